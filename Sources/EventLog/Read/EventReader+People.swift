import GRDB
import EventModel

extension EventReader {
    /// Every stored user event (`SystemEventType/people`) in arrival order, through
    /// the index of events about no patient: the store's people, as the user directory folds them.
    public func userEvents() throws -> [EventEnvelope] {
        let types = SystemEventType.people.sorted()
        return try EventEnvelope.fetchAll(db.cachedStatement(sql: """
            SELECT \(Self.signedColumns) FROM events WHERE patient IS NULL AND type IN (\(types.map { _ in "?" }.joined(separator: ","))) ORDER BY position
            """), arguments: StatementArguments(types))
    }
}
