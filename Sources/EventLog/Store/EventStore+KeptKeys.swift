import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// Patient keys kept in this store's SQLite database for a log that lives elsewhere: the hub,
/// whose events are in PostgreSQL but whose keys must never be (a row deleted there leaves its
/// bytes in heap files and `pg_wal` until the server happens to reuse them).
///
/// Guarantees: the keys are the rows of the store's own `patient_keys` table, in the form
/// ``PatientKeyRing`` keeps a site's (wrapped under ``NodeIdentity/storeKey``, the patient's id
/// as associated data); ``destroyKeptKeys(_:)`` deletes them with `secure_delete` on, records the
/// erasure in `erased_patients` (after which ``keepKeys(_:)`` never stores a key of the patient
/// again), and checkpoints the WAL (``completeErasureCheckpoint()``) so no copy of the deleted
/// pages stays in `myolog.sqlite-wal`; a failed checkpoint leaves the pending marker, retried at
/// every open, and the call returns false.
extension EventStore {
    /// The keys held for `patients`, unwrapped (absent: none held, or erased).
    public func keptKeys(for patients: [PatientID]) throws -> [PatientID: SymmetricKey] {
        guard !patients.isEmpty else { return [:] }
        guard let storeKey = identity.storeKey else { throw EventLogError.missingNodeKey(path: "node.key") }
        var keys: [PatientID: SymmetricKey] = [:]
        try database.read { db in
            for (patient, wrapped) in try Self.wrappedRows(db, patients) {
                keys[patient] = try WrappedPatientKey.unwrap(wrapped, for: patient, under: storeKey)
            }
        }
        return keys
    }

    /// The wrapped bytes of the patient's key as stored, or nil (none held).
    public func wrappedKey(of patient: PatientID) throws -> Data? {
        try database.read { db in try Self.wrappedRows(db, [patient]).first?.1 }
    }

    /// Every patient this store holds a key of.
    public func patientsWithKeptKeys() throws -> Set<PatientID> {
        try database.read { db in Set(try String.fetchAll(db, sql: "SELECT patient FROM patient_keys").compactMap(PatientID.init)) }
    }

    /// Keeps `keys` (wrapped under the store key); a patient already holding one keeps it, and an
    /// erased patient's key is not stored.
    public func keepKeys(_ keys: [PatientID: SymmetricKey]) throws {
        guard !keys.isEmpty else { return }
        guard let storeKey = identity.storeKey else { throw EventLogError.missingNodeKey(path: "node.key") }
        let wrapped = try keys.sorted { $0.key < $1.key }.map { ($0.key, try WrappedPatientKey.wrap($0.value, for: $0.key, under: storeKey)) }
        try keepWrappedKeys(wrapped)
    }

    /// Keeps keys already wrapped under this store's key (moved from elsewhere, as they were);
    /// same rules as ``keepKeys(_:)``.
    public func keepWrappedKeys(_ wrapped: [(PatientID, Data)]) throws {
        guard !wrapped.isEmpty else { return }
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        try inImmediateTransaction { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO patient_keys (patient, wrapped) SELECT ?1, ?2
                WHERE NOT EXISTS (SELECT 1 FROM erased_patients WHERE patient = ?1) ON CONFLICT (patient) DO NOTHING
                """)
            for (patient, bytes) in wrapped { try statement.execute(arguments: [patient.rawValue, bytes]) }
            return .commit
        }
    }

    /// Destroys the keys of the erased patients `erasures` names (patient → erasing event) and
    /// records their erasures. Returns false when a key was deleted but the WAL checkpoint could
    /// not complete (``erasedTextMayRemain``: retried at the next open or call).
    @discardableResult
    public func destroyKeptKeys(_ erasures: [PatientID: EventID]) throws -> Bool {
        guard !erasures.isEmpty else { return completeErasureCheckpoint() }
        guard !isReadOnly else { throw EventLogError.readOnlyStore(path: directory.path) }
        let sorted = erasures.sorted { $0.key < $1.key }
        try inImmediateTransaction { db in
            let held = try Self.wrappedRows(db, sorted.map(\.key))
            // The marker first (fsync'd): a kill between this commit and the checkpoint cannot lose it.
            if !held.isEmpty { try markErasureCheckpointPending() }
            for (patient, event) in sorted {
                try db.execute(sql: "DELETE FROM patient_keys WHERE patient = ?", arguments: [patient.rawValue])
                try db.execute(sql: "INSERT INTO erased_patients (patient, event) VALUES (?, ?) ON CONFLICT (patient) DO NOTHING",
                               arguments: [patient.rawValue, event.rawValue])
            }
            return .commit
        }
        return completeErasureCheckpoint()
    }

    private static func wrappedRows(_ db: Database, _ patients: [PatientID]) throws -> [(PatientID, Data)] {
        var rows: [(PatientID, Data)] = []
        for chunk in stride(from: 0, to: patients.count, by: 500).map({ Array(patients[$0..<min($0 + 500, patients.count)]) }) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT patient, wrapped FROM patient_keys WHERE patient IN (\(marks))",
                                        arguments: StatementArguments(chunk.map(\.rawValue))) {
                if let patient = PatientID(row["patient"] as String) { rows.append((patient, row["wrapped"])) }
            }
        }
        return rows
    }
}
