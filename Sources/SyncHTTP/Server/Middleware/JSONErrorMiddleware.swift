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

/// Turns every other error — an unknown path, a wrong method, a store failure — into the same
/// JSON error body, so a client never has to parse anything else.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SyncHTTPError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            // A documented path asked with another method is 405 with what it allows, not 404.
            if let allowed = SyncAPI.methods[request.uri.path] {
                var response = SyncServer.json(.methodNotAllowed, .object(["message": .string("\(request.method) \(request.uri.path): not allowed; this path answers \(allowed.joined(separator: ", "))")]))
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return SyncServer.json(.notFound, .object(["message": .string("no such path: \(request.method) \(request.uri.path); see Schemas/sync-api.openapi.json")]))
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound ? "no such path: \(request.method) \(request.uri.path); see Schemas/sync-api.openapi.json" : error.status.reasonPhrase)
            return SyncServer.json(error.status, .object(["message": .string(message)]))
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            return SyncServer.json(.internalServerError, .object(["message": .string("the server could not complete the request: \(error)")]))
        }
    }
}
