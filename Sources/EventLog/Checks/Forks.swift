import Foundation
import GRDB
import EventModel
import EventSync

extension EventReader {
    /// Every quarantined event, by origin, sequence and hash, with the decision on its place.
    public func forks() throws -> [ForkEvidence] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT q.origin, q.sequence, q.hash, q.reason, q.detectedAt, d.author, d.decidedAt, d.note
            FROM quarantined_events q LEFT JOIN fork_decisions d ON d.origin = q.origin AND d.sequence = q.sequence
            ORDER BY q.origin, q.sequence, q.hash
            """)
        return try rows.map { row in
            guard let origin = NodeID(row[0]), let hash = EventHash(row[2]), let detectedAt = Timestamp(rfc3339: row[4]) else {
                throw EventLogError.damagedStore(path: "quarantined_events", reason: "a row is malformed")
            }
            var decision: ForkEvidence.Decision?
            if let author: String = row[5], let decidedAt = Timestamp(rfc3339: row[6]) {
                decision = .init(author: author, decidedAt: decidedAt, note: row[7])
            }
            return ForkEvidence(origin: origin, sequence: row[1], hash: hash, reason: row[3], detectedAt: detectedAt, decision: decision)
        }
    }

    /// The quarantined event itself, as received.
    public func quarantinedEvent(origin: NodeID, sequence: Int, hash: EventHash) throws -> EventEnvelope? {
        guard let text = try String.fetchOne(db, sql: "SELECT envelope FROM quarantined_events WHERE origin = ? AND sequence = ? AND hash = ?",
                                             arguments: [origin.rawValue, sequence, hash.rawValue])
        else { return nil }
        return try EventEnvelope(canonicalLine: Array(text.utf8))
    }

    /// How many events wait, per origin, for a gap in their chain to fill.
    public func heldBack() throws -> [NodeID: Int] {
        var result: [NodeID: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT origin, count(*) FROM held_events GROUP BY origin") {
            if let origin = NodeID(row[0]) { result[origin] = row[1] }
        }
        return result
    }
}

extension AppendTransaction {
    /// Records an operator's decision on the fork at (origin, sequence): from then on it is
    /// reported as decided, not as an error. The quarantined event stays, and is still not merged.
    public func decideFork(origin: NodeID, sequence: Int, author: String, note: String) throws {
        try Self.validateAuthor(author)
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM quarantined_events WHERE origin = ? AND sequence = ?", arguments: [origin.rawValue, sequence]) == true else {
            throw EventLogError.invalidField(field: "fork", value: "\(origin) \(sequence)", accepted: "the origin and sequence of a quarantined fork").with(.listForks)
        }
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw EventLogError.invalidField(field: "note", value: note, accepted: "a non-empty reason for the decision")
        }
        // Shown on operators' terminals: no escape, control or invisible characters (line breaks stay).
        if let hidden = VisibleText.firstHiddenScalar(in: note, allowingLineBreaks: true) {
            throw EventLogError.invalidField(field: "note", value: VisibleText.escaped(note),
                                             accepted: "text without control or invisible characters (found U+\(String(hidden.value, radix: 16, uppercase: true)))")
        }
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM fork_decisions WHERE origin = ? AND sequence = ?", arguments: [origin.rawValue, sequence]) != true else {
            throw EventLogError.invalidField(field: "fork", value: "\(origin) \(sequence)", accepted: "a fork not yet decided (decisions are append-only)")
        }
        try db.execute(sql: "INSERT INTO fork_decisions (origin, sequence, decidedAt, author, note) VALUES (?, ?, ?, ?, ?)",
                       arguments: [origin.rawValue, sequence, wallClock.now().description, author, note])
    }
}
