import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// The patients' data keys, as one transaction sees them.
///
/// Each patient has one random AES-256 key, stored in `patient_keys` wrapped (AES-GCM) under the
/// store's key-encryption key (``NodeIdentity/storeKey``) with the patient's id as associated
/// data. A key is unwrapped at most once per transaction and never kept beyond it, so an erasure
/// committed by another process is honoured by this one's next transaction.
///
/// Guarantees: a patient in `erased_patients` never gets a key again — not a new one, not one
/// received from a peer; without the store key (a store opened without `node.key`) nothing opens.
final class PatientKeyRing {
    let db: Database
    let storeKey: SymmetricKey?
    private var cache: [PatientID: SymmetricKey?] = [:]

    init(db: Database, storeKey: SymmetricKey?) {
        self.db = db
        self.storeKey = storeKey
    }

    /// The patient's key, or nil when this store holds none (not received yet, or erased).
    func key(for patient: PatientID) throws -> SymmetricKey? {
        if let known = cache[patient] { return known }
        var key: SymmetricKey?
        if let storeKey, let wrapped = try Data.fetchOne(db.cachedStatement(sql: "SELECT wrapped FROM patient_keys WHERE patient = ?"), arguments: [patient.rawValue]) {
            key = try WrappedPatientKey.unwrap(wrapped, for: patient, under: storeKey)
        }
        cache[patient] = .some(key)
        return key
    }

    /// Whether `patient_keys` holds a key for the patient (without unwrapping it).
    func holdsKey(for patient: PatientID) throws -> Bool {
        if let known = cache[patient] { return known != nil }
        return try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM patient_keys WHERE patient = ?)"), arguments: [patient.rawValue]) ?? false
    }

    /// The patient's key, made (and stored) if the patient has none yet: for an event written here.
    func keyForWriting(_ patient: PatientID) throws -> SymmetricKey {
        if let key = try key(for: patient) { return key }
        if let erasure = try erasure(of: patient) { throw EventLogError.patientErased(patient: patient.rawValue, event: erasure.rawValue) }
        // A patient written about elsewhere already has a key, at the site that registered them:
        // a second one would split their record in two. Wait for it to arrive by sync.
        if let origin = try firstOrigin(of: patient) {
            throw EventLogError.keyNotReceived(patient: patient.rawValue, origin: origin.rawValue)
        }
        let key = SymmetricKey(size: .bits256)
        try store(key, for: patient)
        return key
    }

    /// The node that wrote the first event about `patient` held here (the site that made their
    /// key), or nil when this store holds nothing about them.
    func firstOrigin(of patient: PatientID) throws -> NodeID? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT origin FROM events WHERE patient = ? ORDER BY position LIMIT 1"), arguments: [patient.rawValue])
            .flatMap(NodeID.init)
    }

    /// Keeps `key` as the patient's key (wrapped under the store key).
    func store(_ key: SymmetricKey, for patient: PatientID) throws {
        guard let storeKey else { throw EventLogError.damagedStore(path: "", reason: "no store key (node.key) to keep a patient key under") }
        let wrapped = try WrappedPatientKey.wrap(key, for: patient, under: storeKey)
        try db.execute(sql: "INSERT INTO patient_keys (patient, wrapped) VALUES (?, ?)", arguments: [patient.rawValue, wrapped])
        cache[patient] = .some(key)
    }

    /// Destroys the patient's key and records the erasure: from now on nothing of theirs opens here.
    func erase(_ patient: PatientID, by event: EventID) throws {
        try db.execute(sql: "DELETE FROM patient_keys WHERE patient = ?", arguments: [patient.rawValue])
        try db.execute(sql: "INSERT INTO erased_patients (patient, event) VALUES (?, ?) ON CONFLICT (patient) DO NOTHING",
                       arguments: [patient.rawValue, event.rawValue])
        cache[patient] = .some(nil)
    }

    /// The event that erased the patient here, if one did.
    func erasure(of patient: PatientID) throws -> EventID? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT event FROM erased_patients WHERE patient = ?"), arguments: [patient.rawValue]).flatMap(EventID.init)
    }

    /// `event` with its payload opened, where it is sealed and this store holds the key.
    func opened(_ event: EventEnvelope) throws -> EventEnvelope {
        guard event.isSealed, event.openedPayload == nil, let patient = event.patient, let key = try key(for: patient) else { return event }
        return SealedPayload.opened(event, key: key)
    }

}
