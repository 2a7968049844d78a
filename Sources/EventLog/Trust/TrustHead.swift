import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// The newest trust change this node signed, recorded outside the database in `trust.head`
/// (mode 0600, beside `node.key`), itself signed: what makes deleting the newest rows of the
/// trust list — say, the one that removed a stolen laptop's node — detectable.
///
/// Written before the commit of a store's first trust change (recording none yet, so that a
/// crash then never leaves signed rows without a record) and after the commit of every change
/// (recording it), by rename. It may lag the database — a crash or power loss between a commit
/// and its rewrite — which is consistent: the change it names is still in the list. It is never
/// ahead of it, except when an older `myolog.sqlite` is put back without its `trust.head`: that is
/// refused like a deletion.
struct TrustHead: Sendable {
    struct Link: Sendable, Equatable {
        var change: Int64
        var signature: Data
    }

    static let fileName = "trust.head"
    static let label = "myolog trust head v1\n"

    var store: NodeID
    var head: Link?
    var signature: Data

    var signedBytes: Data {
        var bytes = Data(Self.label.utf8)
        for field in [store.rawValue, head.map { String($0.change) } ?? "", head?.signature.base64EncodedString() ?? ""] {
            bytes.append(contentsOf: "\(field.utf8.count):".utf8)
            bytes.append(contentsOf: field.utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }

    init(signedBy identity: NodeIdentity, head: Link?) throws {
        self.store = identity.nodeID
        self.head = head
        self.signature = Data()
        self.signature = try identity.signature(for: signedBytes)
    }

    init?(parsing bytes: Data) {
        guard case .object(let members)? = try? JSONParser.parse(Array(bytes.prefix { $0 != UInt8(ascii: "\n") })),
            let store = members["store"]?.stringValue.flatMap(NodeID.init),
            let signature = members["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) })
        else { return nil }
        switch members["head"] {
        case .null?: head = nil
        case .object(let link)?:
            guard let change = link["change"]?.intValue, let signature = link["signature"]?.stringValue.flatMap({ Data(base64Encoded: $0) }) else { return nil }
            head = Link(change: Int64(change), signature: signature)
        default: return nil
        }
        self.store = store
        self.signature = signature
    }

    package var json: JSONValue {
        .object([
            "store": .string(store.rawValue),
            "head": head.map { .object(["change": .int(Int($0.change)), "signature": .string($0.signature.base64EncodedString())]) } ?? .null,
            "signature": .string(signature.base64EncodedString()),
        ])
    }

    /// Whether `directory` holds a record at all.
    static func exists(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent(fileName).path)
    }

    /// Replaces the record in `directory`: a temporary file, flushed, renamed over it (mode 0600).
    func write(in directory: URL) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        let temporary = directory.appendingPathComponent(".\(Self.fileName).partial-\(getpid())")
        let bytes = Array((json.canonicalString + "\n").utf8)
        func fail() -> EventLogError {
            .damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))")
        }
        let fd = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw fail() }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary.path, url.path) == 0 else {
            let error = fail()
            unlink(temporary.path)
            throw error
        }
    }
}
