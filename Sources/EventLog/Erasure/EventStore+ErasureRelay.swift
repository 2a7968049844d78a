import Foundation
import GRDB
import EventModel

/// An erasure must reach every store that received the patient's key, along the trust paths
/// the key travelled — also a store that does not trust the node that erased.
///
/// Keys travel only between nodes that trust each other, but events relay: B (trusting A)
/// receives C's erasure through A and, not trusting C, only holds it. So a store that applies an
/// erasure it *received* appends, in the same transaction, its own `ErasureAcknowledged` —
/// signed into its own chain, naming the erasure and its origin — which every store trusting it
/// applies like the erasure itself (destroying the key, deleting the views), and acknowledges
/// in turn. A patient is acknowledged once per store: the first erasure to arrive does it.
///
/// Guarantees: the key and the acknowledgement commit together, or neither. The hub acknowledges
/// too, right after the batch that erased commits (its own chain is written in its store
/// directory, then copied into PostgreSQL). Limits: a store that cannot append (a restored backup
/// behind its signed head, a read-only copy) applies the erasure and passes it on at its first open
/// once it can write again (``EventStore/acknowledgeMissedErasures()``); a hub that crashes between its PostgreSQL commit and its acknowledgement applies
/// the erasure but does not acknowledge it (not yet reconciled at open).
extension AppendTransaction {
    /// Who acknowledges: the node itself, not a person.
    public static let erasureRelayAuthor = "myolog (erasure relay)"

    /// Appends this node's acknowledgement of each erasure this transaction received and applied.
    func acknowledgeErasures() throws {
        guard !erasedOnReceipt.isEmpty, localAppendRefusal == nil else { return }
        let pending = erasedOnReceipt
        erasedOnReceipt = []
        // The clock of what this store holds — not the received events' clocks merged, which
        // name events of nodes it holds none of yet (a relayed origin not trusted here): the next
        // transaction starts from the stored events, and its clock must not go backwards.
        clockState = try clock()
        for (patient, erasure) in pending {
            _ = try append(Self.acknowledgement(of: erasure, patient: patient), author: Self.erasureRelayAuthor)
        }
    }

    /// This node's acknowledgement of `erasure` (a `PatientErased`, or another node's
    /// acknowledgement of one): it names the original erasure, whichever event brought it.
    public static func acknowledgement(of erasure: EventEnvelope, patient: PatientID) -> NewEvent {
        var original = (event: erasure.id, origin: erasure.origin)
        if erasure.type == SystemEventType.erasureAcknowledged, case .object(let payload)? = try? erasure.payloadValue(),
           let id = payload["erasure"]?.stringValue.flatMap(EventID.init), let origin = payload["origin"]?.stringValue.flatMap(NodeID.init) {
            original = (id, origin)
        }
        let payload = JSONValue.object(["erasure": .string(original.event.rawValue), "origin": .string(original.origin.rawValue)])
        return NewEvent(type: SystemEventType.erasureAcknowledged, schemaVersion: 1, patient: patient, payload: payload)
    }
}

extension EventStore {
    /// Appends this node's acknowledgement of every erasure received from another node that it
    /// applied but never acknowledged — because its chain was behind its signed head then (a
    /// restored backup receiving its own events back in the same transaction), or a crash came
    /// between the two. Run at every open of a store that can sign; one small read when nothing
    /// is missing, and silent while appending is still refused (it retries at the next open).
    func acknowledgeMissedErasures() {
        guard !isReadOnly, identity.canSign else { return }
        let me = identity.nodeID
        guard let missed = try? read({ reader -> [(PatientID, EventEnvelope)] in
            let sql = "SELECT patient, event FROM erased_patients e WHERE NOT EXISTS "
                + "(SELECT 1 FROM events a WHERE a.patient = e.patient AND a.type = ? AND a.origin = ?)"
            return try Row.fetchAll(reader.db, sql: sql, arguments: [SystemEventType.erasureAcknowledged, me.rawValue]).compactMap { row in
                guard let patient = PatientID(row["patient"]), let id = EventID(row["event"]), let erasure = try reader.event(id),
                      erasure.origin != me else { return nil }
                return (patient, erasure)
            }
        }), !missed.isEmpty else { return }
        _ = try? write { transaction in
            for (patient, erasure) in missed {
                _ = try transaction.append(AppendTransaction.acknowledgement(of: erasure, patient: patient), author: AppendTransaction.erasureRelayAuthor)
            }
        }
    }
}

/// An erasure this store holds but has not applied: it waits for trust in its origin, so the
/// patient's record is still readable here. `verify`, `sync` and `retention due` name it.
public struct HeldErasure: Sendable, Equatable, CustomStringConvertible {
    public var patient: PatientID
    public var origin: NodeID
    public var sequence: Int

    public var description: String {
        "the erasure of patient \(patient) by node \(origin) (sequence \(sequence)) waits for trust in that node: the record is NOT erased here — add the node to the trust list (`myolog peer add \(origin)`) or sync with a peer that trusts it"
    }
}

extension EventReader {
    /// The event with this id held back (waiting for trust or for a gap), if one is.
    public func heldEvent(_ id: EventID) throws -> EventEnvelope? {
        guard let text = try String.fetchOne(db, sql: "SELECT envelope FROM held_events WHERE json_extract(envelope, '$.id') = ?", arguments: [id.rawValue])
        else { return nil }
        return try EventEnvelope(canonicalLine: Array(text.utf8))
    }

    /// Erasures held back whose patient is not erased here.
    public func heldErasures() throws -> [HeldErasure] {
        try Row.fetchAll(db, sql: """
            SELECT origin, sequence, json_extract(envelope, '$.patient') AS patient FROM held_events
            WHERE json_extract(envelope, '$.type') IN ('\(SystemEventType.patientErased)', '\(SystemEventType.erasureAcknowledged)')
              AND json_extract(envelope, '$.patient') NOT IN (SELECT patient FROM erased_patients)
            ORDER BY origin, sequence
            """).compactMap { row in
            guard let origin = NodeID(row["origin"]), let patient = (row["patient"] as String?).flatMap(PatientID.init) else { return nil }
            return HeldErasure(patient: patient, origin: origin, sequence: row["sequence"])
        }
    }
}
