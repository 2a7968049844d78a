import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel
import Synchronization

/// The site's clock for each page `ui` serves: the answer of ``ClinicalQueries/siteClock(of:)``
/// in the page's own read, without reading the whole log for every page.
///
/// The clock is this node's latest ``SiteTimeZoneSet``, and a node's own events only ever grow at
/// the top of its chain (sequence 1, 2, 3…). So the memo keeps the zone found in this node's
/// events up to a sequence, and a page reads only the events of this node written since — one or
/// two, usually (the last pages' access records). A read that sees fewer of this node's events
/// than the memo has seen (a snapshot older than another page's) asks the log afresh, so every
/// page shows the zone its own read holds, never a later one. (Asking the log reads every
/// store-wide event through `events_store_wide`; the memo reads only the newest of this node's.)
final class SiteClockMemo: Sendable {
    /// The zone this node set last among its events up to sequence `through`, nil when none did.
    private struct Known: Sendable {
        var through: Int
        var zone: SiteTimeZoneSet?
    }

    let node: NodeID
    private let known = Mutex<Known?>(nil)

    init(node: NodeID) { self.node = node }

    /// The clock `reader`'s snapshot of the log gives this node's site.
    func clock(in reader: EventReader) throws -> SiteClock {
        let head = try reader.head(of: node)?.sequence ?? 0
        var state: Known
        if let memo = known.withLock({ $0 }), memo.through <= head {
            state = memo
            // Only this node's events after the memo's: its chain holds no gap, and none of its
            // events below `through` can change (the log is append-only).
            while state.through < head {
                let batch = try reader.events(origin: node, after: state.through, limit: 256)
                guard let last = batch.last else { break }
                for event in batch where event.type == SiteTimeZoneSet.eventType {
                    if case .siteTimeZoneSet(let zone)? = try ClinicalEvent.decode(event) { state.zone = zone }
                }
                state.through = last.sequence
            }
        } else {
            state = Known(through: head, zone: try ClinicalQueries(reader).siteTimeZone(of: node))
        }
        known.withLock { memo in
            if memo.map({ $0.through < state.through }) ?? true { memo = state }
        }
        return state.zone?.clock ?? .machine
    }
}
