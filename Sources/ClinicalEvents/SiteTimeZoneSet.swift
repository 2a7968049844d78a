import Foundation
import EventModel

/// The time zone of the site whose node wrote it: the clock its people read times on and type
/// dates in. About no patient; synced like any event, so a hub or an auditor can read every
/// site's zone, but a site's zone is its own — only the events a node itself wrote set that
/// node's zone (`ClinicalQueries.siteTimeZone(of:)`).
///
/// Guarantees: `zone` is an IANA name the zone database knows (`Australia/Melbourne`, `UTC`),
/// never an abbreviation or a fixed offset, because a site's clock must follow its daylight
/// saving.
public struct SiteTimeZoneSet: ClinicalPayload {
    public static let eventType = "SiteTimeZoneSet"
    /// The IANA name.
    public var zone: String

    /// The event setting `zone`, refused unless it is an IANA name.
    ///
    /// - Parameter zone: The IANA name as typed.
    /// - Throws: ``ClinicalError/invalidField(field:value:accepted:)`` naming `time-zone`.
    public init(zone: String) throws {
        let name = zone.trimmingCharacters(in: .whitespaces)
        guard SiteClock(identifier: name) != nil else { throw Self.refusal(zone) }
        self.zone = name
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["zone"])
        let name = try fields.string("zone")
        guard SiteClock(identifier: name) != nil else {
            throw ClinicalError.malformedPayload(type: Self.eventType, field: "zone", reason: "\"\(name)\" is not an IANA time zone name")
        }
        zone = name
    }

    /// The site's clock.
    public var clock: SiteClock { SiteClock(identifier: zone)! }

    /// What a time zone must be, for every refusal of one.
    public static let accepted = "an IANA time zone name such as Australia/Melbourne, Pacific/Auckland or UTC (a name of the tz database, not an abbreviation or an offset)"

    /// The refusal of a zone that is not an IANA name.
    ///
    /// - Parameter typed: What was typed.
    /// - Returns: The refusal naming `time-zone`.
    public static func refusal(_ typed: String) -> ClinicalError {
        .invalidField(field: "time-zone", value: typed, accepted: accepted)
    }
}
