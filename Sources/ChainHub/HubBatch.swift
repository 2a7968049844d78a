import Crypto
import Foundation
import EventModel
import EventCrypto
import EventSync

/// One batch received by the hub, as a ``ReceiveLedger`` and a ``KeyLedger``: the state the
/// rules read is loaded from PostgreSQL first (under the hub's lock, inside the batch's
/// transaction), the rules run in memory, and what they decided is written back by
/// ``Hub/flush(_:on:)`` in the same transaction — all of it, or nothing.
///
/// `@unchecked Sendable`: one task uses it at a time — the batch's, which hands it to the
/// `COPY` that streams its events while the rules run (``Hub/commit(_:keys:on:)``) and waits for it.
final class HubBatch: ReceiveLedger, KeyLedger, @unchecked Sendable {
    let identity: NodeIdentity
    var receiveState = ReceiveState()

    // Loaded before the rules run.
    var heads: [NodeID: ChainHead] = [:]
    var trustByNode: [NodeID: PeerTrust] = [:]
    var enrolledKeys: [NodeID: Data] = [:]
    var storedByID: [EventID: EventEnvelope] = [:]
    var held: [ChainPlace: EventEnvelope] = [:]
    var erasures: [PatientID: EventID] = [:]
    var sealedSamples: [PatientID: [EventEnvelope]] = [:]
    var keys: [PatientID: SymmetricKey] = [:]
    /// Every event stored before this batch of each patient the batch names or may release (as stored, not
    /// opened); a patient with none has an empty list.
    var patientEvents: [PatientID: [EventEnvelope]] = [:]
    /// Every user event stored before this batch (the receive rules fold the directory from them).
    var userEvents: [EventEnvelope] = []
    /// The first author-signed sequence of each of the batch's origins, where one is stored.
    var authorSigningStarts: [NodeID: Int] = [:]

    // Decided by the rules: written by the flush.
    var enrolments: [(node: NodeID, site: String, publicKey: Data, agreementKey: Data?)] = []
    var newEvents: [EventEnvelope] = []
    /// Where each of ``newEvents`` is, by id.
    var newIndex: [EventID: Int] = [:]
    var signatures: [(origin: NodeID, sequence: Int, signature: ChainSignature)] = []
    var heldInserts: [ChainPlace: EventEnvelope] = [:]
    var heldDeletes: Set<ChainPlace> = []
    var quarantined: [(event: EventEnvelope, reason: String)] = []
    var newErasures: [PatientID: EventID] = [:]
    var keptKeys: [PatientID: SymmetricKey] = [:]
    /// Patients who now have events here without a key (`keyless_patients` rows to add), and
    /// those whose key arrived or who were erased (rows to delete).
    var keylessAdded: Set<PatientID> = []
    var keylessRemoved: Set<PatientID> = []
    let now: String

    init(identity: NodeIdentity, now: String) {
        self.identity = identity
        self.now = now
    }

    // MARK: Pieces

    /// About how many events the rules check before the stored ones go to the server.
    static let pieceSize = 1000
    /// How far ``pieceEnd(of:from:)`` has read the batch, each origin's last sequence read and
    /// whether it was signed, how many origins' last events read are unsigned, and whether the
    /// batch left the plain shape (each origin's events in sequence, without a gap) — after
    /// which it is not cut.
    private var pieceScan = (read: 0, last: [NodeID: (sequence: Int, signed: Bool)](), unsigned: 0, plain: true)

    /// The end of the piece of `batch` that starts at `start`: about ``pieceSize`` events, cut
    /// only where checking the batch piece by piece decides exactly what checking it whole does —
    /// right after a signed event, where every origin read so far ends on a signed event (so the
    /// check that each origin's stored events end signed, run at every piece's end, passes as it
    /// would at the batch's), while every origin's events so far follow one another in sequence
    /// and no held event is involved (nothing is held or released out of order). Otherwise the
    /// rest of the batch is one piece.
    func pieceEnd(of batch: [EventEnvelope], from start: Int) -> Int {
        guard !holdsHeldEvents else { return batch.count }
        while pieceScan.read < batch.count, pieceScan.plain {
            let index = pieceScan.read, event = batch[index]
            pieceScan.read += 1
            let previous = pieceScan.last[event.origin]
            if let previous, previous.sequence + 1 != event.sequence { pieceScan.plain = false; break }
            let signed = event.signature != nil
            pieceScan.unsigned += (signed ? 0 : 1) - (previous.map { $0.signed ? 0 : 1 } ?? 0)
            pieceScan.last[event.origin] = (event.sequence, signed)
            if index + 1 - start >= Self.pieceSize, signed, pieceScan.unsigned == 0 { return index + 1 }
        }
        return batch.count
    }

    // MARK: ReceiveLedger

    func head(of origin: NodeID) throws -> ChainHead? { heads[origin] }
    func storedEvent(_ id: EventID) throws -> EventEnvelope? {
        if let event = storedByID[id] { return event }
        guard let index = newIndex[id] else { return nil }
        var stored = newEvents[index]
        stored.signature = nil
        return stored
    }
    func trust(of origin: NodeID) throws -> PeerTrust { trustByNode[origin] ?? .unknown }
    func enrolledKey(of origin: NodeID) throws -> Data? { enrolledKeys[origin] }

    func enrol(_ origin: NodeID, site: String, publicKey: Data, agreementKey: Data?) throws {
        guard enrolledKeys[origin] == nil else { return }
        enrolledKeys[origin] = publicKey
        enrolments.append((origin, site, publicKey, agreementKey))
    }

    var holdsHeldEvents: Bool { !held.isEmpty || !heldInserts.isEmpty }

    func storedUserEvents() throws -> [EventEnvelope] { userEvents }
    func firstAuthorSignature(of origin: NodeID) throws -> Int? { authorSigningStarts[origin] }
    /// Of the batch's origins only: their held events are the ones loaded (Hub+Receive).
    func originsWithHeldEvents() throws -> [NodeID] { Array(Set(held.keys.map(\.origin) + heldInserts.keys.map(\.origin))) }

    /// Every held event of the batch's origins is loaded with the batch (Hub+Receive).
    func waiting(of origin: NodeID) throws -> (events: Int, bytes: Int) {
        let events = held.values.filter { $0.origin == origin }
        return (events.count, events.reduce(0) { $0 + $1.canonicalText.utf8.count })
    }

    func hold(_ event: EventEnvelope) throws {
        let place = ChainPlace(origin: event.origin, sequence: event.sequence)
        guard held[place] == nil, heldInserts[place] == nil else { return }
        heldInserts[place] = event
    }

    func takeHeld(origin: NodeID, sequence: Int) throws -> EventEnvelope? {
        let place = ChainPlace(origin: origin, sequence: sequence)
        if let event = heldInserts.removeValue(forKey: place) { return event }
        guard let event = held.removeValue(forKey: place) else { return nil }
        heldDeletes.insert(place)
        return event
    }

    func quarantine(_ event: EventEnvelope, reason: String) throws { quarantined.append((event, reason)) }

    func storeReceived(_ event: EventEnvelope) throws {
        // Its place is free (the rules checked); its id must be too, in the log (loaded) and in
        // this batch (the `event_ids` primary key refuses one a batch running at once stored).
        guard storedByID[event.id] == nil, newIndex.updateValue(newEvents.count, forKey: event.id) == nil else { throw duplicateID(event) }
        heads[event.origin] = ChainHead(sequence: event.sequence, hash: event.hash)
        newEvents.append(event)
        if SystemEventType.erasing.contains(event.type), let patient = event.patient, erasures[patient] == nil {
            erasures[patient] = event.id
            newErasures[patient] = event.id
            keys[patient] = nil
            keptKeys[patient] = nil
            keylessAdded.remove(patient)
            keylessRemoved.insert(patient)
        }
        // The keys of every patient the batch names or may release were loaded: none held means keyless.
        if let patient = event.patient, keys[patient] == nil, erasures[patient] == nil { keylessAdded.insert(patient) }
        if event.isSealed, let patient = event.patient, (sealedSamples[patient]?.count ?? 0) < 3 {
            sealedSamples[patient, default: []].append(event)
        }
    }

    func storeSignature(_ signature: ChainSignature, origin: NodeID, sequence: Int) throws {
        // Kept in `chain_signatures` only: the events' rows never carry one.
        signatures.append((origin, sequence, signature))
    }

    func signatureSequence(origin: NodeID, atOrAfter sequence: Int) throws -> Int? {
        // Only this batch's events lie beyond the heads it started from: their signatures are here.
        signatures.filter { $0.origin == origin && $0.sequence >= sequence }.map(\.sequence).min()
    }

    // MARK: KeyLedger

    var keyRecipient: NodeIdentity { identity }
    func erasure(of patient: PatientID) throws -> EventID? { erasures[patient] }
    func sealedEvents(of patient: PatientID, limit: Int) throws -> [EventEnvelope] { Array((sealedSamples[patient] ?? []).prefix(limit)) }
    func heldKey(for patient: PatientID) throws -> SymmetricKey? { keys[patient] }

    func keep(_ key: SymmetricKey, for patient: PatientID) throws {
        keys[patient] = key
        keptKeys[patient] = key
        keylessAdded.remove(patient)
        keylessRemoved.insert(patient)
    }

    /// The patients whose views this batch changes: those of the events stored, those whose keys
    /// arrived (their events become readable), those erased.
    var touchedPatients: Set<PatientID> {
        Set(newEvents.compactMap(\.patient)).union(keptKeys.keys).union(newErasures.keys)
    }
}
