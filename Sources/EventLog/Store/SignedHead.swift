import Foundation
import EventModel
import EventCrypto
import EventSync

/// This node's last signed chain head, as this node signed it: sequence, hash and signature.
///
/// Kept twice: in the database (the head event and its `chain_signatures` row) and outside it, in
/// `node.head` beside `node.key` (mode 0600; rewritten after a commit that moves the head — by
/// each process at its first such commit, then at most once a second).
///
/// Whoever rewrites the database without the key — rehashing every event after an edit and
/// deleting the signature rows, or cutting the chain back to an older signed event, or putting an
/// older copy of the file in place — leaves the two disagreeing, and this store then refuses to
/// write (``EventStore/write(_:)``) and `verify` says so. It never signs on top of a chain it did
/// not sign.
///
/// The file may lag the database (a bulk writer's last second of commits, a crash between a commit
/// and the file's update, a power loss before the kernel wrote it back): that is consistent,
/// because the event it names is still in the chain. It is never ahead of it.
public struct SignedHead: Sendable, Equatable {
    public var sequence: Int
    public var hash: EventHash
    public var signature: ChainSignature

    public init(sequence: Int, hash: EventHash, signature: ChainSignature) {
        self.sequence = sequence
        self.hash = hash
        self.signature = signature
    }

    public static let fileName = "node.head"

    package var json: JSONValue {
        .object(["sequence": .int(sequence), "hash": .string(hash.rawValue), "signature": .string(signature.rawValue)])
    }

    /// The file holds two fixed-size slots, written alternately in place: a crash while one is
    /// written leaves the other whole. Each slot is self-verifying (its signature), so the file
    /// needs no fsync: after a power loss it may hold an older head — still consistent, since that
    /// event is in the chain — never a torn one that is taken for valid. No rename either: on
    /// ext4, replacing a file by rename flushes it, which cost more than the commit itself.
    static let slotSize = 256

    /// The newest slot of the record in `directory` that carries this node's signature, and the
    /// slot the next write replaces; nil if there is no record. Throws if the file is there but
    /// holds no valid slot.
    ///
    /// `verified` is a record's bytes this process already verified: unchanged bytes are not
    /// verified again (a bulk writer reads the record once per commit).
    static func read(in directory: URL, publicKey: Data, verified: Record? = nil) throws -> Record? {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            if FileManager.default.fileExists(atPath: url.path) {
                throw EventLogError.damagedStore(path: directory.path, reason: "\(fileName) cannot be read")
            }
            return nil
        }
        let bytes = Array(data)
        if let verified, verified.bytes == bytes { return verified }
        var slots: [(head: SignedHead, slot: Int)] = []
        for slot in 0..<2 where bytes.count >= (slot + 1) * slotSize {
            let text = bytes[slot * slotSize..<(slot + 1) * slotSize].prefix { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != 0 }
            if case .object(let members)? = try? JSONParser.parse(Array(text)), let sequence = members["sequence"]?.intValue,
                let hash = members["hash"]?.stringValue.flatMap(EventHash.init), let signature = members["signature"]?.stringValue.flatMap(ChainSignature.init) {
                slots.append((SignedHead(sequence: sequence, hash: hash, signature: signature), slot))
            }
        }
        // The newest slot whose signature is this node's; the other one is replaced next.
        guard let newest = slots.sorted(by: { $0.head.sequence > $1.head.sequence }).first(where: { $0.head.signature.isValid(for: $0.head.hash, publicKey: publicKey) }) else {
            throw EventLogError.localChainAltered(signedUpTo: nil, reason: "\(fileName), the record of this node's last signed head, holds none signed by this node")
        }
        return Record(head: newest.head, nextSlot: 1 - newest.slot, bytes: bytes)
    }

    /// The record as read: its newest valid head, the slot the next write replaces, its bytes.
    struct Record: Sendable {
        var head: SignedHead
        var nextSlot: Int
        var bytes: [UInt8]
    }

    /// Writes this head into `slot` of the record in `directory` (created, mode 0600, if absent).
    func write(in directory: URL, slot: Int) throws {
        let url = directory.appendingPathComponent(Self.fileName)
        var bytes = Array(json.canonicalString.utf8)
        guard bytes.count < Self.slotSize else { throw EventLogError.damagedStore(path: directory.path, reason: "a signed head does not fit \(Self.fileName)") }
        bytes += [UInt8](repeating: UInt8(ascii: " "), count: Self.slotSize - 1 - bytes.count) + [UInt8(ascii: "\n")]
        let fd = Foundation.open(url.path, O_WRONLY | O_CREAT, 0o600)
        guard fd >= 0 else { throw EventLogError.damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(slot * Self.slotSize)) }
        guard written == bytes.count else {
            throw EventLogError.damagedStore(path: directory.path, reason: "cannot write \(Self.fileName): \(String(cString: strerror(errno)))")
        }
    }
}

extension EventReader {
    /// Why this node must not extend its own chain, or nil: its head must be an intact event
    /// carrying this node's valid signature, and it must agree with `recorded`, the head this node
    /// last signed as kept outside the database (``SignedHead``).
    ///
    /// Cheap enough for every write: one event and its signature, one hash lookup, and the two
    /// signature checks (the head's here, the record's in ``SignedHead/read(in:publicKey:verified:)``).
    ///
    /// `known` is a head this process signed or verified itself: while the log's head is still
    /// exactly that event (same sequence, same hash), it is not decoded and verified again.
    func localChainProblem(of node: NodeID, publicKey: Data, recorded: SignedHead?, known: ChainHead? = nil) throws -> EventLogError? {
        func altered(_ reason: String) throws -> EventLogError {
            let signed = try recorded?.sequence
                ?? Int.fetchOne(db.cachedStatement(sql: "SELECT max(sequence) FROM chain_signatures WHERE origin = ?"), arguments: [node.rawValue])
            return .localChainAltered(signedUpTo: signed, reason: reason)
        }
        guard let head = try head(of: node) else {
            guard let recorded else { return nil }  // a store being created: nothing written yet
            return try altered("the log holds none of this node's events, but \(SignedHead.fileName) records its signed head at sequence \(recorded.sequence)")
        }
        if known != ChainHead(sequence: head.sequence, hash: head.hash) {
            guard let event = try events(origin: node, after: head.sequence - 1, limit: 1).first, event.sequence == head.sequence,
                ChainCheck.contentProblem(event) == nil
            else { return try altered("this node's head event (sequence \(head.sequence)) does not match its hash") }
            guard let signature = event.signature, signature.isValid(for: event.hash, publicKey: publicKey) else {
                return try altered("this node's head event (sequence \(head.sequence)) carries no valid signature of this node")
            }
        }
        guard let recorded else {
            return .localChainAltered(signedUpTo: head.sequence, reason: "\(SignedHead.fileName), the record of this node's last signed head kept outside the database, is missing")
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
            let text = try String.fetchOne(db.cachedStatement(sql: "SELECT signature FROM chain_signatures WHERE origin = ? AND sequence = ?"),
                                           arguments: [node.rawValue, head.sequence]),
            let signature = ChainSignature(text)
        else { return nil }
        return SignedHead(sequence: head.sequence, hash: head.hash, signature: signature)
    }
}
