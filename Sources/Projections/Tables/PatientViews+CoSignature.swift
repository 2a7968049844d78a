import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel
import GRDB

/// An entry written in the student role that no co-signature covers yet, as `audit review`
/// lists it.
public struct AwaitingCoSignature: Sendable, Equatable {
    public var patientId: PatientID
    public var eventId: EventID
    /// The entry's event type.
    public var type: String
    public var author: String
    /// When the student wrote it: overdue is counted from here.
    public var writtenAt: Timestamp
}

extension PatientViews {
    /// The entries written in the student role, shown in the views and not co-signed, written
    /// before `cutoff`: oldest first, then by event id.
    ///
    /// - Parameter cutoff: Only entries written before this instant.
    /// - Returns: The entries, from the stored rows (each table's `awaiting` partial index).
    /// - Throws: When the rows cannot be read, or hold a time that is not one.
    public func awaitingCoSignature(writtenBefore cutoff: Timestamp) throws -> [AwaitingCoSignature] {
        let sql = EntryTable.all.map { table in
            "SELECT patient, event, '\(table.type)' AS type, author, writtenAt FROM \(table.name) WHERE authorRole = '\(EntryCoSigned.studentRole)' AND coSignedBy IS NULL AND writtenAt < ?1"
        }.joined(separator: "\nUNION ALL\n") + "\nORDER BY writtenAt, event"
        // The role is a literal, not an argument: SQLite uses a partial index only for a WHERE
        // it can match to the index's own.
        return try Row.fetchAll(reader.database, sql: sql, arguments: [cutoff.description]).map { row in
            let written: String = row["writtenAt"]
            guard let writtenAt = Timestamp(rfc3339: written) else {
                throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "writtenAt \"\(written)\" is not a timestamp")
            }
            return AwaitingCoSignature(patientId: row["patient"], eventId: row["event"], type: row["type"], author: row["author"], writtenAt: writtenAt)
        }
    }
}
