import Crypto
import GRDB
import EventModel

/// A read model folded from the log into tables of the same database.
///
/// The store guarantees: ``apply(_:in:)`` runs inside the very transaction that appends the
/// events, so a projection can never be ahead of or behind the log; a projection whose stored
/// ``version`` differs from the code's is dropped and rebuilt when the store opens
/// (``EventStore/rebuiltOnOpen``); ``EventStore/rebuildProjections()`` drops and refolds every
/// projection from the log alone.
public protocol LogProjection: Sendable {
    /// A stable name, the key of its stored version.
    var name: String { get }
    /// Bump when the tables or the fold change: stores rebuild on open.
    var version: Int { get }
    /// The projection's tables, which `myolog verify` compares with a fresh replay.
    var tables: [String] { get }
    /// Drops the projection's tables, if they exist.
    func drop(in db: Database) throws
    /// Creates the projection's (empty) tables.
    func create(in db: Database) throws
    /// Folds newly appended events into the tables.
    func apply(_ events: [EventEnvelope], in transaction: ProjectionTransaction) throws
    /// Folds the whole log into freshly created tables.
    func rebuild(in transaction: ProjectionTransaction) throws
    /// Folds these patients again from their events: their keys arrived in this transaction, so
    /// events folded before as unreadable now read.
    func refold(_ patients: [PatientID], in transaction: ProjectionTransaction) throws
}
