import EventModel
import EventCrypto

/// The sync HTTP API's fixed parts, shared by server and client so they cannot drift apart.
/// `Schemas/sync-api.openapi.json` documents the same paths, limits and bodies.
public enum SyncAPI {
    /// The API's version prefix: a later, incompatible protocol gets a new one.
    public static let prefix = "/v1"
    public static let summaryPath = "/v1/summary"
    public static let eventsPath = "/v1/events"
    public static let syncEndedPath = "/v1/sync-ended"
    /// GET: `{"patients":[…]}`, whose sealed events the server holds without their key.
    public static let missingKeysPath = "/v1/keys/missing"
    /// POST `{"patients":[…]}`: the server's keys of those patients, sealed to the requesting node.
    public static let keyRequestPath = "/v1/keys/request"
    /// POST `{"keys":[…]}`: keys sealed to the server, which it checks and stores whole.
    public static let keysPath = "/v1/keys"
    /// The most patients or keys in one request.
    public static let maximumKeys = 1_000
    /// The methods each path answers (the rest get 405 with `Allow`).
    public static let methods: [String: [String]] = [
        summaryPath: ["GET"], eventsPath: ["GET", "POST"], syncEndedPath: ["POST"],
        missingKeysPath: ["GET"], keyRequestPath: ["POST"], keysPath: ["POST"],
    ]

    /// `{"patients":[…]}` read back; nil when it is not that.
    public static func patients(_ json: JSONValue) -> [PatientID]? {
        guard case .object(let m) = json, m.count == 1, case .array(let items)? = m["patients"], items.count <= maximumKeys else { return nil }
        let patients = items.compactMap { $0.stringValue.flatMap(PatientID.init) }
        return patients.count == items.count ? patients : nil
    }

    public static func patientsJSON(_ patients: [PatientID]) -> JSONValue {
        .object(["patients": .array(patients.map { .string($0.rawValue) })])
    }

    /// `{"keys":[…]}` read back.
    public static func keys(_ json: JSONValue) throws -> [SealedPatientKey] {
        guard case .object(let m) = json, m.count == 1, case .array(let items)? = m["keys"], items.count <= maximumKeys else {
            throw BatchDecodingError(code: .malformedKeys, message: "body: expected {\"keys\": [at most \(maximumKeys) sealed keys]}")
        }
        return try items.map { try SealedPatientKey(json: $0) }
    }

    public static func keysJSON(_ keys: [SealedPatientKey]) -> JSONValue {
        .object(["keys": .array(keys.map(\.json))])
    }
    /// Media type of an event batch: one canonical envelope per line, each ending in "\n".
    public static let batchMediaType = "application/x-ndjson"
    /// Header naming one sync's requests, so the server can log one line per sync.
    public static let syncHeader = "Myolog-Sync"
    /// The longest sync id accepted in ``syncHeader``.
    public static let maximumSyncIDLength = 64
    /// Header naming the requesting node.
    public static let nodeHeader = "Myolog-Node"
    /// The most events a client asks for in one page, and the largest batch size it may use.
    public static let maximumBatch = 10_000
    /// The most events one request body may carry: a batch may run one signature interval past
    /// the batch size, because a batch must end on a signed event of each origin.
    public static let maximumEventsPerBody = maximumBatch + ChainSignature.interval
    /// The largest request or response body accepted (a batch of large events stays far below).
    public static let maximumBodyBytes = 64 << 20

    /// Splits a batch body into envelopes, each checked to be canonical; `what` names the body
    /// in errors ("request body", "response body").
    public static func decodeBatch(_ bytes: some Collection<UInt8>, what: String) throws(BatchDecodingError) -> [EventEnvelope] {
        let bytes = Array(bytes)
        guard bytes.isEmpty || bytes.last == UInt8(ascii: "\n") else {
            throw BatchDecodingError(code: .missingFinalNewline, message: "\(what): a batch is canonical envelopes, one per line, each ending in a newline; the body does not end in one")
        }
        var events: [EventEnvelope] = []
        var start = 0
        var line = 0
        while start < bytes.count {
            line += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))!
            guard events.count < maximumEventsPerBody else { throw BatchDecodingError(code: .tooManyEvents, message: "\(what): more than \(maximumEventsPerBody) events in one batch") }
            do {
                events.append(try EventEnvelope(canonicalLine: Array(bytes[start..<end])))
            } catch {
                throw BatchDecodingError(code: .malformedEnvelope, message: "\(what) line \(line): \(error)")
            }
            start = end + 1
        }
        return events
    }

    /// One batch as its body bytes.
    public static func encodeBatch(_ events: [EventEnvelope]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 700)
        for event in events {
            bytes += event.canonicalBytes(includingHash: true)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
