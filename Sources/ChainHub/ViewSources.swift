import EventCrypto
import EventModel
import EventSync
import Crypto
import ClinicalFold

/// The events and keys the views of a batch's patients are folded from.
struct ViewSources: Sendable {
    var patients: [PatientID]
    var events: [PatientID: [EventEnvelope]]
    var keys: [PatientID: SymmetricKey]

    /// The registered patients' records: CPU work only, so it can run while the batch's rows travel.
    func registeredRecords() throws -> [PatientRecord] {
        try Hub.records(of: patients, events: events, keys: keys).filter(\.isRegistered)
    }
}
