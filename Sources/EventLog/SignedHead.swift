import Foundation

/// This node's last signed chain head, as this node signed it: sequence, hash and signature.
///
/// Kept twice: in the database (the head event and its `chain_signatures` row) and outside it, in
/// `node.head` beside `node.key` (mode 0600, replaced atomically after every commit that moves the
/// head). Whoever rewrites the database without the key — rehashing every event after an edit and
/// deleting the signature rows, or cutting the chain back to an older signed event, or putting an
/// older copy of the file in place — leaves the two disagreeing, and this store then refuses to
/// write (``EventStore/write(_:)``) and `verify` says so. It never signs on top of a chain it did
/// not sign.
///
/// The file may lag the database by one commit (a crash between the commit and the file's
/// replacement): that is consistent, because the event it names is still in the chain.
public struct SignedHead: Sendable, Equatable {
    public var sequence: Int
    public var hash: EventHash
    public var signature: HeadSignature

    public init(sequence: Int, hash: EventHash, signature: HeadSignature) {
        self.sequence = sequence
        self.hash = hash
        self.signature = signature
    }

    public static let fileName = "node.head"

    var json: JSONValue {
        .object(["sequence": .int(sequence), "hash": .string(hash.rawValue), "signature": .string(signature.rawValue)])
    }

    /// The record in `directory`, nil if there is none; throws if the file is there but is not one.
    static func read(in directory: URL) throws -> SignedHead? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if FileManager.default.fileExists(atPath: url.path) {
                throw EventLogError.damagedStore(path: directory.path, reason: "\(fileName) cannot be read")
            }
            return nil
        }
        guard case .object(let members)? = try? JSONParser.parse(Array(data)),
            let sequence = members["sequence"]?.intValue, let hash = members["hash"]?.stringValue.flatMap(EventHash.init),
            let signature = members["signature"]?.stringValue.flatMap(HeadSignature.init)
        else {
            throw EventLogError.localChainAltered(signedUpTo: nil, reason: "\(fileName), the record of this node's last signed head, is not one")
        }
        return SignedHead(sequence: sequence, hash: hash, signature: signature)
    }

    /// Replaces the record in `directory`: written to a temporary file, flushed, then renamed over
    /// the old one, so a crash leaves the old record or the new one, never a torn one.
    func write(in directory: URL) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        let temporary = directory.appendingPathComponent(".\(Self.fileName).\(getpid())")
        let bytes = Array((json.canonicalString + "\n").utf8)
        let fd = Foundation.open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw EventLogError.damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw EventLogError.damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))")
        }
    }
}

extension EventReader {
    /// Why this node must not extend its own chain, or nil: its head must be an intact event
    /// carrying this node's valid signature, and it must agree with `recorded`, the head this node
    /// last signed as kept outside the database (``SignedHead``).
    ///
    /// Cheap enough for every write: one event, one signature row, two signature checks.
    func localChainProblem(of node: NodeID, publicKey: Data, recorded: SignedHead?) throws -> EventLogError? {
        func altered(_ reason: String) throws -> EventLogError {
            let signed = try recorded?.sequence
                ?? Int.fetchOne(db, sql: "SELECT max(sequence) FROM chain_signatures WHERE origin = ?", arguments: [node.rawValue])
            return .localChainAltered(signedUpTo: signed, reason: reason)
        }
        guard let head = try head(of: node) else {
            guard let recorded else { return nil }  // a store being created: nothing written yet
            return try altered("the log holds none of this node's events, but \(SignedHead.fileName) records its signed head at sequence \(recorded.sequence)")
        }
        guard let event = try events(origin: node, after: head.sequence - 1, limit: 1).first, event.sequence == head.sequence,
            ChainCheck.contentProblem(event) == nil
        else { return try altered("this node's head event (sequence \(head.sequence)) does not match its hash") }
        guard let signature = event.signature, signature.isValid(for: event.hash, publicKey: publicKey) else {
            return try altered("this node's head event (sequence \(head.sequence)) carries no valid signature of this node")
        }
        guard let recorded else {
            return .localChainAltered(signedUpTo: head.sequence, reason: "\(SignedHead.fileName), the record of this node's last signed head kept outside the database, is missing")
        }
        guard recorded.signature.isValid(for: recorded.hash, publicKey: publicKey) else {
            return try altered("\(SignedHead.fileName) does not carry this node's signature over the hash it names")
        }
        guard recorded.sequence <= head.sequence else {
            return .localChainBehind(head: head.sequence, signedUpTo: recorded.sequence)
        }
        guard try hash(origin: node, sequence: recorded.sequence) == recorded.hash else {
            return try altered("the event at sequence \(recorded.sequence) is not the one this node signed there")
        }
        return nil
    }

    /// This node's head with the signature that covers it, if the head carries one.
    func signedHead(of node: NodeID) throws -> SignedHead? {
        guard let head = try head(of: node),
            let text = try String.fetchOne(db, sql: "SELECT signature FROM chain_signatures WHERE origin = ? AND sequence = ?", arguments: [node.rawValue, head.sequence]),
            let signature = HeadSignature(text)
        else { return nil }
        return SignedHead(sequence: head.sequence, hash: head.hash, signature: signature)
    }
}
