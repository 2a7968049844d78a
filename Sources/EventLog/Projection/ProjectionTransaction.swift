import Crypto
import GRDB
import EventModel

/// What a projection may use while folding: the log as of this transaction (``reader``) and the
/// database to write its own tables in (``db``).
public struct ProjectionTransaction {
    public let reader: EventReader
    public let db: Database

    /// A projection's view of a transaction that reads only (a rebuild): payloads opened with the
    /// keys wrapped under `storeKey`.
    package init(db: Database, storeKey: SymmetricKey?) {
        self.db = db
        self.reader = EventReader(db: db, storeKey: storeKey)
    }

    /// A projection's view of a write transaction: the same reader, so keys made or received in
    /// it open its events.
    init(reader: EventReader) {
        self.db = reader.db
        self.reader = reader
    }
}
