import Crypto
import Foundation
import GRDB
import EventModel
import EventCrypto

/// The patients' keys as sync sees them: which this store lacks, and its keys sealed for a peer.
extension EventReader {
    /// The event that erased `patient` here, if one did.
    public func erasure(of patient: PatientID) throws -> EventID? {
        try keys.erasure(of: patient)
    }

    /// The node whose events about `patient` this store holds without their key, or nil when it
    /// holds the key (or nothing about them, or they were erased): "key not yet received from …".
    public func keyAwaited(for patient: PatientID) throws -> NodeID? {
        // Without the store key (no node.key here) no key is ever held: that is not "awaited".
        guard keys.storeKey != nil, try keys.key(for: patient) == nil, try keys.erasure(of: patient) == nil else { return nil }
        return try keys.firstOrigin(of: patient)
    }

    /// The patients of `events` whose key this store lacks (and who were not erased here).
    public func patientsLackingKeys(in events: [EventEnvelope]) throws -> [PatientID] {
        var seen = Set<PatientID>(), lacking: [PatientID] = []
        for event in events where event.isSealed {
            guard let patient = event.patient, seen.insert(patient).inserted else { continue }
            if try keys.key(for: patient) == nil, try keys.erasure(of: patient) == nil { lacking.append(patient) }
        }
        return lacking
    }

    /// The first `limit` sealed events held about `patient`, as stored (not opened): what a key
    /// offered for the patient is tried on. Through the patient index, never their whole record.
    public func sealedEvents(of patient: PatientID, limit: Int) throws -> [EventEnvelope] {
        let plaintext = SystemEventType.plaintext.sorted()
        let sql = "SELECT \(Self.signedColumns) FROM events WHERE patient = ? AND type NOT IN (\(plaintext.map { _ in "?" }.joined(separator: ","))) ORDER BY position LIMIT ?"
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments([patient.rawValue] + plaintext) + [limit]).map(Self.envelope)
    }

    /// Patients whose sealed events this store holds without their key (not erased): what a
    /// sync asks its peer for. One index seek per patient, not a scan of the log.
    public func patientsWithoutKeys() throws -> [PatientID] {
        var missing: [PatientID] = []
        var after = ""
        while let next = try String.fetchOne(db.cachedStatement(sql: "SELECT patient FROM events WHERE patient > ? ORDER BY patient LIMIT 1"), arguments: [after]) {
            after = next
            guard let patient = PatientID(next) else { continue }
            // Whether a key row exists, not the key itself: no unwrapping per patient per sync.
            if try !keys.holdsKey(for: patient), try keys.erasure(of: patient) == nil { missing.append(patient) }
        }
        return missing
    }

    /// This store's keys of `patients` (those it holds), sealed for `recipient` — a node whose
    /// enrolment, and so agreement key, this store holds, and which it trusts. Empty otherwise.
    public func sealedKeys(for patients: [PatientID], to recipient: NodeID) throws -> [SealedPatientKey] {
        guard try trust(of: recipient) == .trusted,
              let raw = try Data.fetchOne(db, sql: "SELECT agreementKey FROM nodes WHERE id = ?", arguments: [recipient.rawValue]),
              let agreementKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
        else { return [] }
        let parcel = try SealedPatientKey.Parcel(to: recipient, agreementKey: agreementKey)
        return try patients.compactMap { patient in try keys.key(for: patient).map { try parcel.seal($0, patient: patient) } }
    }
}
