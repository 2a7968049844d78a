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

/// An HTTP error whose body is the API's error object: `{"message": …}` plus details.
struct SyncHTTPError: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var extra: [String: JSONValue] = [:]

    init(_ status: HTTPResponse.Status, _ message: String, extra: [String: JSONValue] = [:]) {
        self.status = status
        self.message = message
        self.extra = extra
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = extra
        body["message"] = .string(message)
        return SyncServer.json(status, .object(body))
    }
}
