import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import EventModel
import EventCrypto
import EventSync

/// Admits every request — whatever its path — only from a node the store still trusts
/// (``SyncServer/admittedPeer(_:_:)``), and hands the node to the handlers in the context.
struct PeerAdmission: RouterMiddleware {
    let server: SyncServer

    func handle(_ request: Request, context: SyncRequestContext, next: (Request, SyncRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        let started = ContinuousClock.now
        // Only the documented routes are labelled by path: a scanner's paths must not grow the metrics.
        let route = SyncAPI.methods[request.uri.path]?.contains(request.method.rawValue) == true ? "\(request.method) \(request.uri.path)" : "other"
        do {
            context.peer = try await server.admittedPeer(request, context)
            let response = try await next(request, context)
            await server.ledger.took(ContinuousClock.now - started, syncID: server.syncID(request))
            SyncMetrics.answered(route: route, status: response.status.code, after: ContinuousClock.now - started)
            return response
        } catch let error as SyncHTTPError {
            SyncMetrics.answered(route: route, status: error.status.code, after: ContinuousClock.now - started)
            throw error
        }
    }
}
