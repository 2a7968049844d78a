import ClinicalFold
import EventModel

extension ShowRendering {
    /// `myolog show --json` (Schemas/views/show.schema.json): the patient's view with its instants
    /// in RFC 3339 UTC, as the view holds them, beside the site's zone and the local day of each
    /// member that means a day (`lastVisitDate`): a script reading "last visit" gets the day the
    /// clinic saw the patient, not the UTC day, without knowing the zone's rules.
    struct Document: Encodable {
        var view: PatientView
        var clock: SiteClock

        func encode(to encoder: any Encoder) throws {
            try view.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clock.identifier, forKey: .timeZone)
            try container.encode(view.lastVisit.map(clock.day), forKey: .lastVisitDate)  // null when none
        }

        enum CodingKeys: String, CodingKey { case timeZone, lastVisitDate }
    }
}
