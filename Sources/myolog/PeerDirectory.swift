import ArgumentParser
import EventLog
import Foundation
import EventModel
import EventSync

/// Another store on this machine, opened to sync with `local`: `sync DIR` and `hub sync DIR`
/// open it and apply the trust rule alike.
enum PeerDirectory {
    /// Opens the store at `path` — not `local` itself — and requires that each trusts the other
    /// (`local` first, as an HTTPS handshake would). `field` names the argument in refusals;
    /// `wanted` says what it should be. The other store records its own disclosures under the
    /// person running the sync (`global`'s user): in a store with people they must be one of its
    /// users, signed in with their key, or nothing is sent.
    static func open(_ path: String, besides local: EventStore, field: String, wanted: String, global: GlobalOptions) throws -> EventStore {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath).standardizedFileURL
        guard url.path != local.directory.standardizedFileURL.path else {
            throw ValidationError("\(field): \(path) is this store itself; give \(wanted)")
        }
        let other: EventStore
        do {
            other = try EventStore.open(at: url, projections: GlobalOptions.projections)
        } catch EventLogError.noStore(let missing) {
            throw ValidationError("\(field): no store at \(missing); give \(wanted)")
        } catch let error as EventLogError {
            throw ValidationError("\(field): \(error.commandLineText)")
        }
        guard try local.accepts(other.identity.nodeID) else {
            throw TrustRefusal.untrustedPeer(node: other.identity.nodeID, site: other.identity.site, store: local.directory.path)
        }
        guard try other.accepts(local.identity.nodeID) else {
            throw TrustRefusal.notTrustedByPeer(node: local.identity.nodeID, peer: "the store at \(other.directory.path)")
        }
        do {
            try global.signIn(to: other)
        } catch {
            throw CommandFailure("\(field): \(VisibleText.escaped(path)): \((error as? any Remediable)?.fact ?? "\(error)"); a sync between two stores of this machine is run by a person who is a user of both")
        }
        return other
    }
}
