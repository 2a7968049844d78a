import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

/// Why a patient's record cannot be shown once the fold found no registration at the moment
/// asked for: the registration was withdrawn, or it came later. `show`, `report` and
/// `export fhir` refuse alike.
enum NotShown {
    static func refusal(_ patient: PatientID, in reader: EventReader) throws -> any Error {
        if let withdrawal = try ClinicalQueries(reader).withdrawal(of: patient) {
            return ClinicalError.registrationWithdrawn(patient: patient.rawValue, by: withdrawal.id.rawValue)
        }
        return ValidationError("patient: \(patient) was not yet registered at that moment")
    }
}
