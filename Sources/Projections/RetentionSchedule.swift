import ClinicalEvents
import ClinicalFold
import ClinicalLog
import EventLog
import Foundation
import EventModel

/// When each patient's record may be destroyed, under the clinic's retention policy.
///
/// The rule (documented in the README, and implemented independently in
/// `Tools/check-retention.py`): a record is kept until the later of
/// - the `yearsAfterLastService`-th anniversary of the last service (the last visit's day, or the
///   registration's day for a patient never seen), and
/// - for a patient registered before their `adultAge`-th birthday, their `childUntilAge`-th
///   birthday;
/// an anniversary of 29 February falls on 1 March in a common year (never early). From that day
/// on the record is *due* for erasure, unless a legal hold stands.
public struct RetentionSchedule {
    let reader: EventReader
    public init(_ reader: EventReader) { self.reader = reader }

    /// One patient's retention.
    public struct Entry: Sendable, Equatable, Encodable {
        public var patientId: PatientID
        public var name: String?
        public var dateOfBirth: CivilDate
        public var lastService: CivilDate
        public var retainUntil: CivilDate
        /// Why until then, in words.
        public var because: String
        /// The standing legal holds' reasons (the record is not due while there is one).
        public var holds: [String]
        public var isDue: Bool

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(patientId.rawValue, forKey: .patientId)
            try container.encode(name, forKey: .name)
            try container.encode(dateOfBirth.description, forKey: .dateOfBirth)
            try container.encode(lastService.description, forKey: .lastService)
            try container.encode(retainUntil.description, forKey: .retainUntil)
            try container.encode(because, forKey: .because)
            try container.encode(holds, forKey: .holds)
            try container.encode(isDue, forKey: .due)
        }

        enum CodingKeys: String, CodingKey { case patientId, name, dateOfBirth, lastService, retainUntil, because, holds, due }
    }

    /// The policy in force: the last ``ClinicalEvents/RetentionPolicySet`` in causal order (the
    /// same at every site holding the same events), or Victoria's (HPP 4) when none was set.
    public func policy() throws -> RetentionPolicySet {
        var latest: (position: CausalPosition, policy: RetentionPolicySet)?
        try reader.forEachEvent(types: [RetentionPolicySet.eventType]) { event in
            guard case .retentionPolicySet(let policy)? = try ClinicalEvent.decode(event) else { return }
            let position = CausalPosition(lamport: event.lamport, origin: event.origin.rawValue, sequence: event.sequence)
            if latest == nil || latest!.position < position { latest = (position, policy) }
        }
        return latest?.policy ?? .victoria
    }

    /// The `years`-th anniversary of `date`; 29 February → 1 March in a common year.
    public static func anniversary(of date: CivilDate, years: Int) -> CivilDate {
        CivilDate(year: date.year + years, month: date.month, day: date.day) ?? CivilDate(year: date.year + years, month: 3, day: 1)!
    }

    /// The rule itself: the day from which the record may be destroyed, and why.
    public static func retainUntil(policy: RetentionPolicySet, dateOfBirth: CivilDate, registered: CivilDate, lastService: CivilDate) -> (CivilDate, String) {
        var retainUntil = anniversary(of: lastService, years: policy.yearsAfterLastService)
        var because = "\(policy.yearsAfterLastService) years after the last service (\(lastService))"
        if registered < anniversary(of: dateOfBirth, years: policy.adultAge) {
            let coming = anniversary(of: dateOfBirth, years: policy.childUntilAge)
            if coming > retainUntil {
                retainUntil = coming
                because = "registered under \(policy.adultAge): until age \(policy.childUntilAge)"
            }
        }
        return (retainUntil, because)
    }

    /// Every readable patient's retention as of `day` (the clinic's calendar day), by patient id.
    ///
    /// - Parameters:
    ///   - day: The day to judge by.
    ///   - clock: The site's clock (`EventStore.siteClock()`): a last service or a registration
    ///     counts on the site's calendar day, not the machine's nor UTC's.
    /// - Returns: One entry per readable patient.
    /// - Throws: When the log cannot be read.
    public func entries(asOf day: CivilDate, clock: SiteClock) throws -> [Entry] {
        let timeZone = clock.zone
        let policy = try policy()
        let listings = try PatientViews(reader).patients().sorted { $0.patientId < $1.patientId }
        return try listings.compactMap { listing -> Entry? in
            let patient = listing.patientId
            guard let dateOfBirth = CivilDate(iso: listing.dateOfBirth) else { return nil }
            guard let registration = try reader.events(patient: patient, types: [PatientRegistered.eventType]).first else { return nil }
            let registered = registration.occurredAt.civilDate(in: timeZone)
            let lastService = listing.lastVisit?.civilDate(in: timeZone) ?? registered
            let (retainUntil, because) = Self.retainUntil(policy: policy, dateOfBirth: dateOfBirth, registered: registered, lastService: lastService)
            let holds = try ClinicalQueries(reader).activeHolds(of: patient).map(\.reason)
            return Entry(patientId: patient, name: listing.name, dateOfBirth: dateOfBirth, lastService: lastService, retainUntil: retainUntil,
                         because: because, holds: holds, isDue: day >= retainUntil && holds.isEmpty)
        }
    }
}
