import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// One TLS handshake and nothing else: learns the certificate a server presents, so the client
/// can decide whether it trusts that node before any request is made — and then pin exactly
/// that certificate for the requests. No application data is sent on the probe connection.
enum TLSProbe {
    /// How long a connection and then a handshake may take: a server that accepts TCP but never
    /// answers (stopped, frozen, or not a TLS server) fails the sync after this, naming it.
    static let handshakeTimeout = TimeAmount.seconds(10)

    static func serverCertificate(host: String, port: Int, configuration: TLSConfiguration) async throws -> NIOSSLCertificate {
        let context = try NIOSSLContext(configuration: configuration)
        let presented = NIOLockedValueBox<NIOSSLCertificate?>(nil)
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.next().makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(handshakeTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // Accept any certificate here: this connection only reads which node answers.
                    let tls = try NIOSSLClientHandler(context: context, serverHostname: nil) { certificates, promise in
                        presented.withLockedValue { $0 = certificates.first }
                        promise.succeed(.certificateVerified)
                    }
                    try channel.pipeline.syncOperations.addHandler(tls)
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(done: handshake))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            handshake.fail(error)
            throw SyncPeerError(.unreachable, url: "https://\(host):\(port)", status: nil, message: "cannot reach the peer: \(error)")
        }
        defer { channel.close(promise: nil) }
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { handshake.fail(HandshakeTimeout()) }
        defer { deadline.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch is HandshakeTimeout {
            throw SyncPeerError(.timedOut, url: "https://\(host):\(port)", status: nil,
                                message: "timed out: the server accepted the connection but completed no TLS handshake within \(handshakeTimeout.nanoseconds / 1_000_000_000) s (is it stopped, overloaded, or not a Myolog server?)")
        } catch {
            throw SyncPeerError(.tlsFailed, url: "https://\(host):\(port)", status: nil, message: "the TLS handshake failed: \(error) (is it a Myolog server? is this node in its trust list?)")
        }
        guard let certificate = presented.withLockedValue({ $0 }) else {
            throw SyncPeerError(.notANode, url: "https://\(host):\(port)", status: nil, message: "the server presented no TLS certificate")
        }
        return certificate
    }

    struct HandshakeTimeout: Error {}

    /// Completes `done` when the handshake completes, or fails it when the connection errs or closes first.
    final class HandshakeWatcher: ChannelInboundHandler, Sendable {
        typealias InboundIn = NIOAny
        let done: EventLoopPromise<Void>
        init(done: EventLoopPromise<Void>) { self.done = done }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted? = event as? TLSUserEvent { done.succeed(()) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            done.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.fail(ChannelError.eof)
            context.fireChannelInactive()
        }
    }
}
