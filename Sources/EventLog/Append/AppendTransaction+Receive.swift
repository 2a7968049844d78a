import Foundation
import GRDB
import EventModel
import EventSync

/// The SQLite store as a ``ReceiveLedger``: the receive rules (ReceiveLedger.swift) read and
/// write its tables through these, inside the transaction's `BEGIN IMMEDIATE`.
extension AppendTransaction: ReceiveLedger {
    public func storedEvent(_ id: EventID) throws -> EventEnvelope? { try event(id) }

    public func enrolledKey(of origin: NodeID) throws -> Data? {
        if let known = publicKeys[origin] { return known }
        let key = try Data.fetchOne(db.cachedStatement(sql: "SELECT publicKey FROM nodes WHERE id = ?"), arguments: [origin.rawValue])
        publicKeys[origin] = key
        return key
    }

    public func enrol(_ origin: NodeID, site: String, publicKey: Data, agreementKey: Data?) throws {
        try db.execute(sql: "INSERT INTO nodes (id, site, publicKey, agreementKey, isLocal) VALUES (?, ?, ?, ?, 0) ON CONFLICT (id) DO NOTHING",
                       arguments: [origin.rawValue, site, publicKey, agreementKey])
    }

    public func storedUserEvents() throws -> [EventEnvelope] { try userEvents() }

    public func firstAuthorSignature(of origin: NodeID) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT sequence FROM author_signatures WHERE origin = ? ORDER BY sequence LIMIT 1"), arguments: [origin.rawValue])
    }

    public func originsWithHeldEvents() throws -> [NodeID] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT DISTINCT origin FROM held_events")).compactMap(NodeID.init)
    }

    public func hold(_ event: EventEnvelope) throws {
        // ON CONFLICT, not OR IGNORE: an event already waiting is kept, but a row the table's
        // checks refuse must fail loudly, never vanish.
        try db.cachedStatement(sql: "INSERT INTO held_events (origin, sequence, envelope, heldAt) VALUES (?, ?, ?, ?) ON CONFLICT (origin, sequence) DO NOTHING")
            .execute(arguments: [event.origin.rawValue, event.sequence, event.canonicalText, wallClock.now().description])
        holdsHeldEvents = true
    }

    public func waiting(of origin: NodeID) throws -> (events: Int, bytes: Int) {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT count(*), coalesce(sum(length(CAST(envelope AS BLOB))), 0) FROM held_events WHERE origin = ?"),
                                   arguments: [origin.rawValue])
        return (row?[0] ?? 0, row?[1] ?? 0)
    }

    public func takeHeld(origin: NodeID, sequence: Int) throws -> EventEnvelope? {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT envelope FROM held_events WHERE origin = ? AND sequence = ?"),
                                             arguments: [origin.rawValue, sequence]) else { return nil }
        try db.execute(sql: "DELETE FROM held_events WHERE origin = ? AND sequence = ?", arguments: [origin.rawValue, sequence])
        return try EventEnvelope(canonicalLine: Array(text.utf8))
    }

    public func quarantine(_ event: EventEnvelope, reason: String) throws {
        try db.execute(sql: """
            INSERT INTO quarantined_events (origin, sequence, hash, envelope, reason, detectedAt) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (origin, sequence, hash) DO NOTHING
            """, arguments: [event.origin.rawValue, event.sequence, event.hash.rawValue, event.canonicalText, reason, wallClock.now().description])
    }

    public func storeReceived(_ event: EventEnvelope) throws {
        do {
            try store(event)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Its place is free (the rules checked), so what collides is its id: another event's.
            guard try self.event(event.id) != nil else { throw error }
            throw duplicateID(event)
        }
        clockState = clockState.merged(with: event.clock)
        lamport = max(lamport, event.lamport)
        // This node's own event received back (a restored store catching up): it is now the head
        // the next local append links to, in this same transaction too (an acknowledgement).
        // (Received events are stored only in chain order, each linking to the head before it.)
        if event.origin == identity.nodeID { headHash = event.hash }
        // Sealed as stored: opened once, for the views, when the transaction ends (EventStore.write).
        written.append(event)
        receivedCount += 1
    }

    /// Applies the events of `origin` that wait in `held_events` and now follow its head without
    /// a gap, up to the last one a signature covers; the rest keep waiting.
    func applyWaiting(of origin: NodeID) throws {
        let next = (try head(of: origin)?.sequence ?? 0) + 1
        var run: [EventEnvelope] = []
        let cursor = try String.fetchCursor(db, sql: "SELECT envelope FROM held_events WHERE origin = ? AND sequence >= ? ORDER BY sequence",
                                            arguments: [origin.rawValue, next])
        while let text = try cursor.next() {
            let event = try EventEnvelope(canonicalLine: Array(text.utf8))
            guard event.sequence == next + run.count else { break }
            run.append(event)
        }
        try applyWaiting(run)
    }
}
