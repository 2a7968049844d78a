import EventCrypto
import EventModel
import EventSync
import ClinicalFold

/// One de-identified `myolog.patients` row (the patient's id aside).
struct PatientRow: Equatable {
    var birthYear: Int?
    var lastVisit: Timestamp?
    var latestPainScore: Int?
    var activeTriggerPoints: Int
    var latentTriggerPoints: Int
    var eventCount: Int

    /// The row the fold of `record` makes (last visit at the millisecond precision read back).
    init(record: PatientRecord) {
        let listing = PatientListing(record: record)
        self.init(birthYear: ViewRows.birthYear(record.details.dateOfBirth), lastVisit: listing.lastVisit, latestPainScore: listing.latestPainScore,
                  activeTriggerPoints: listing.activeTriggerPoints, latentTriggerPoints: listing.latentTriggerPoints, eventCount: record.eventCount)
    }

    init(birthYear: Int?, lastVisit: Timestamp?, latestPainScore: Int?, activeTriggerPoints: Int, latentTriggerPoints: Int, eventCount: Int) {
        (self.birthYear, self.lastVisit, self.latestPainScore) = (birthYear, lastVisit, latestPainScore)
        (self.activeTriggerPoints, self.latentTriggerPoints, self.eventCount) = (activeTriggerPoints, latentTriggerPoints, eventCount)
    }
}
