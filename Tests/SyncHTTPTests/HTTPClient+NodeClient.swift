import AsyncHTTPClient
import EventLog
import SyncHTTP

extension HTTPClient {
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
