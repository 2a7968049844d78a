import GRDB
import EventModel

/// The nodes a store knows and where each one's chain ends: what sync compares and reports.
extension EventReader {
    /// Each known node's site name, as its enrolment gave it.
    public func sites() throws -> [NodeID: String] {
        var sites: [NodeID: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, site FROM nodes") {
            if let node = NodeID(row[0]) { sites[node] = row[1] }
        }
        return sites
    }

    /// Each origin's last event: its sequence and hash. What a peer compares against to find a
    /// fork before anything moves.
    public func heads() throws -> [NodeID: ChainHead] {
        var heads: [NodeID: ChainHead] = [:]
        for nodeID in try String.fetchAll(db, sql: "SELECT id FROM nodes") {
            guard let node = NodeID(nodeID), let head = try head(of: node) else { continue }
            heads[node] = head
        }
        return heads
    }
}
