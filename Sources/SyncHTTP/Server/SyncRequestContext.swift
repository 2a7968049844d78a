import Hummingbird
import NIOCore
import EventModel

/// The request context of the sync server: Hummingbird's, plus the connection's channel, from
/// which the server reads the client's (TLS-verified) node certificate on every request, and
/// the node admitted (``PeerAdmission``).
struct SyncRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel
    var peer: NodeID?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}
