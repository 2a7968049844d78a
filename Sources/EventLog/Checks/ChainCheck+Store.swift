import Foundation
import GRDB
import EventModel
import EventSync

extension ChainCheck {
    /// Checks every chain in the log; throws the first ``Problem``.
    public static func run(_ reader: EventReader) throws -> ChainCheck {
        var walk = Walk(directory: UserDirectory(events: try reader.userEvents()))
        let cursor = try Row.fetchCursor(reader.db, sql: "SELECT \(EventReader.signedColumns) FROM events ORDER BY origin, sequence")
        while let row = try cursor.next() {
            try walk.check(EventReader.envelope(row)) { origin in
                try Data.fetchOne(reader.db, sql: "SELECT publicKey FROM nodes WHERE id = ?", arguments: [origin.rawValue])
            }
        }
        return try walk.finish()
    }
}
