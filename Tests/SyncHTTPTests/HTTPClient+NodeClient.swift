import AsyncHTTPClient
import NIOCore
import EventLog
import SyncHTTP

extension HTTPClient {
    /// How long a test's raw request may take before it counts as a hang. Generous on purpose:
    /// the whole suite runs in parallel on two cores, and a 10-second deadline expired there
    /// once with nothing wrong but the load (issue 35's stop note). A real hang still fails.
    static let testDeadline = TimeAmount.seconds(60)

    /// Runs `body` with a client presenting `store`'s node certificate and accepting only
    /// `server`'s, and shuts the client down on every path: a client dropped unshut (say, after a
    /// timeout under load threw first) makes AsyncHTTPClient stop the whole test process.
    static func withNodeClient<T>(presenting store: EventStore, trusting server: SyncServer, _ body: (HTTPClient) async throws -> T) async throws -> T {
        var tls = try NodeCertificate(identity: store.identity).configuration(server: false)
        tls.trustRoots = .certificates([server.certificate.certificate])
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
