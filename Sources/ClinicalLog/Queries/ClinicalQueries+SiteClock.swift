import ClinicalEvents
import EventLog
import EventModel
import Foundation

/// Each site's time zone, as its nodes recorded it (``ClinicalEvents/SiteTimeZoneSet``).
///
/// A site's zone is its own: a node's zone is the latest ``ClinicalEvents/SiteTimeZoneSet`` that
/// node wrote (its own events are totally ordered by their sequence, so "latest" is the same in
/// causal order at every site holding them). Zones other nodes wrote arrive by sync and are kept,
/// so a hub or an auditor reads any site's zone — but they never change this node's.
extension ClinicalQueries {
    /// The zone each node set last, by node.
    ///
    /// - Returns: Every node that recorded a zone, with its latest one.
    public func siteTimeZones() throws -> [NodeID: SiteTimeZoneSet] {
        var latest: [NodeID: (sequence: Int, zone: SiteTimeZoneSet)] = [:]
        try reader.forEachStoreWideEvent(types: [SiteTimeZoneSet.eventType]) { event in
            guard case .siteTimeZoneSet(let zone)? = try ClinicalEvent.decode(event) else { return }
            if let known = latest[event.origin], known.sequence > event.sequence { return }
            latest[event.origin] = (event.sequence, zone)
        }
        return latest.mapValues(\.zone)
    }

    /// The zone `node` set last, or nil when it never set one (a store made before zones were
    /// recorded).
    ///
    /// - Parameter node: The node whose site's zone is asked for.
    /// - Returns: Its latest zone, if it recorded one.
    /// - Throws: When the log cannot be read.
    public func siteTimeZone(of node: NodeID) throws -> SiteTimeZoneSet? {
        var latest: (sequence: Int, zone: SiteTimeZoneSet)?
        try reader.forEachStoreWideEvent(types: [SiteTimeZoneSet.eventType]) { event in
            guard event.origin == node, latest.map({ $0.sequence < event.sequence }) ?? true,
                case .siteTimeZoneSet(let zone)? = try ClinicalEvent.decode(event)
            else { return }
            latest = (event.sequence, zone)
        }
        return latest?.zone
    }

    /// The clock `node`'s people read times on: its recorded zone, else — for a store made before
    /// zones were recorded — the machine's (``EventModel/SiteClock/machine``), as every screen
    /// used before.
    ///
    /// - Parameter node: The node whose site's clock is asked for.
    /// - Returns: Its clock.
    /// - Throws: When the log cannot be read.
    public func siteClock(of node: NodeID) throws -> SiteClock {
        try siteTimeZone(of: node)?.clock ?? .machine
    }
}

extension EventStore {
    /// The clock this store's people read times on and type dates in: the zone this store's own
    /// node recorded last (`init --time-zone`, or a later ``ClinicalEvents/SiteTimeZoneSet``),
    /// else the machine's zone for a store made before zones were recorded.
    ///
    /// The one answer for every screen, report and export that shows a time to a person.
    public func siteClock() throws -> SiteClock {
        try read { try ClinicalQueries($0).siteClock(of: identity.nodeID) }
    }
}
