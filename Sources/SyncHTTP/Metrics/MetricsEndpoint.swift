import Hummingbird
import Logging
import Metrics
import Prometheus

/// `serve --metrics HOST:PORT`: the server's counters in the Prometheus text format at
/// `GET /metrics`, over plain HTTP on a separate, loopback-only port — health data never goes
/// through it, only counts and durations, and only to the machine itself (a scraper or an
/// operator's `curl`).
public struct MetricsEndpoint: Sendable {
    public let host: String
    public let port: Int
    let registry: PrometheusCollectorRegistry

    /// Loopback addresses only: the listener must not be reachable from the clinic's network.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Bootstraps swift-metrics with a Prometheus registry for this process (once per process:
    /// swift-metrics has one global backend) and describes the endpoint serving it.
    public static func bootstrap(host: String, port: Int) -> MetricsEndpoint {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Sync requests take from milliseconds (a summary) to seconds (a 10,000-event batch).
        factory.defaultDurationHistogramBuckets = [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250),
                                                   .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10)]
        MetricsSystem.bootstrap(factory)
        return MetricsEndpoint(host: host, port: port, registry: registry)
    }

    /// The endpoint as a service beside `serve`'s or `sync --every`'s: it logs at `logger`'s level
    /// but never below notices, so Hummingbird's start-up lines stay out of the per-sync log.
    func service(beside logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .notice)
        return application(logger: quiet, onListening: onListening)
    }

    /// The HTTP application answering `GET /metrics`; `onListening` gets the port bound.
    func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        let registry = self.registry
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "myolog-metrics"),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
