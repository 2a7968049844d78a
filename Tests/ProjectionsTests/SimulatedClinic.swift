import ClinicalEvents
import ClinicalLog
import Crypto
@testable import EventLog
@testable import EventModel
@testable import EventCrypto
import Foundation

/// Several clinic machines writing offline and syncing now and then, without stores: enough to
/// produce the envelopes (clocks, Lamport timestamps, sequences) that real sync will deliver.
struct SimulatedClinic {
    struct Node {
        let id: NodeID
        var sequence = 0
        var lamport = 0
        var clock = VectorClock()
        var known: [EventEnvelope] = []
    }

    var nodes: [Node]
    var rng: SplitMix64
    /// Each patient's data key: payloads are sealed as a store seals them (and carry their
    /// plaintext as opened, as a store holding the key reads them).
    var patientKeys: [PatientID: SymmetricKey] = [:]
    /// The key-encryption key of the stores the tests deliver these events to.
    static let storeKey = SymmetricKey(size: .bits256)

    init(nodes count: Int, seed: UInt64) {
        let letters = Array("abcdefgh")
        nodes = (0..<count).map { Node(id: NodeID(String(repeating: letters[$0], count: 16))!) }
        rng = SplitMix64(seed: seed)
    }

    /// Every event any node wrote.
    var allEvents: [EventEnvelope] {
        var seen = Set<EventID>()
        return nodes.flatMap(\.known).filter { seen.insert($0.id).inserted }
    }

    mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }

    /// The role each node's clinician writes in: the last node of three or more is a student's
    /// (its entries await a co-signature), the others a therapist's.
    func role(of index: Int) -> String { nodes.count >= 3 && index == nodes.count - 1 ? EntryCoSigned.studentRole : "therapist" }

    mutating func write(on index: Int, patient: PatientID, _ payload: some ClinicalPayload, occurredAt: Timestamp? = nil, daysLate: Int = 0) -> EventEnvelope {
        var node = nodes[index]
        node.sequence += 1
        node.lamport += 1
        node.clock[node.id] = node.sequence
        let at = Timestamp(millisecondsSinceEpoch: 1_772_500_000_000 + Int64(node.lamport) * 60_000)
        let id = EventID.make(), eventType = type(of: payload).eventType, version = type(of: payload).schemaVersion
        let key = patientKeys[patient] ?? SymmetricKey(size: .bits256)
        patientKeys[patient] = key
        let plaintext = payload.json.canonicalString
        let sealed = try! SealedPayload.seal(plaintext, key: key, associatedData: SealedPayload.associatedData(
            id: id, origin: node.id, sequence: node.sequence, patient: patient, type: eventType, schemaVersion: version))
        // A late entry: care some days before it was written (the fold judges it by its times).
        let care = occurredAt ?? Timestamp(millisecondsSinceEpoch: at.millisecondsSinceEpoch - Int64(daysLate) * 86_400_000 - (daysLate > 0 ? 3_600_000 : 0))
        var event = EventEnvelope(
            id: id, origin: node.id, sequence: node.sequence, clock: node.clock, lamport: node.lamport,
            recordedAt: at, occurredAt: care, author: "user\(index)", patient: patient, type: eventType,
            schemaVersion: version, payload: sealed, prevHash: nil,
            hash: EventHash(String(repeating: "0", count: 64))!, authorRole: role(of: index))
        event.openedPayload = plaintext
        node.known.append(event)
        nodes[index] = node
        return event
    }

    /// `to` receives everything `from` knows.
    mutating func sync(_ from: Int, into to: Int) {
        var target = nodes[to]
        let have = Set(target.known.map(\.id))
        for event in nodes[from].known where !have.contains(event.id) {
            target.known.append(event)
            target.clock = target.clock.merged(with: event.clock)
            target.lamport = max(target.lamport, event.lamport)
        }
        nodes[to] = target
    }

    /// A random offline workload over a few patients: registrations, concurrent detail changes,
    /// clinical entries, corrections and retractions, with syncs in random pairs.
    mutating func run(steps: Int, patients: Int) {
        var ids: [PatientID] = []
        for n in 0..<patients {
            let id = PatientID.make(using: &rng)
            ids.append(id)
            _ = write(on: n % nodes.count, patient: id, PatientRegistered(name: "Patient \(n)", dateOfBirth: CivilDate(year: 1970 + n, month: 1, day: 2)!, phone: "0400 000 00\(n)"))
        }
        for i in nodes.indices { for j in nodes.indices where i != j { sync(i, into: j) } }
        for _ in 0..<steps {
            let node = Int(rng.next() % UInt64(nodes.count))
            let patient = pick(ids)
            let entries = nodes[node].known.filter { $0.patient == patient && ClinicalEvent.retractableTypes.contains($0.type) }
            // 13–19: the records of care (issue 30); 24–27 sign-off, co-signature and late entries
            // (issue 33); 31–32 outcome measures (issue 34); 8, 20–23, 28–30 and 33 sync, keeping
            // syncs as frequent.
            switch rng.next() % 34 {
            case 0: _ = write(on: node, patient: patient, PatientDetailsChanged(changes: ["phone": "0411 \(rng.next() % 1000)"]))
            case 1: _ = write(on: node, patient: patient, PatientDetailsChanged(changes: [pick(["email", "address"]): pick([nil, "x\(rng.next() % 9)@example.org"])]))
            case 2: _ = write(on: node, patient: patient, PainScoreRecorded(score: Int(rng.next() % 11), region: pick(["neck", "hip"]), context: pick(["pre", "post"])))
            case 3: _ = write(on: node, patient: patient, TriggerPointFound(muscle: pick(["upper-trapezius", "piriformis"]), side: pick(["left", "right"]), status: "active"))
            case 4:
                let technique = pick(["cupping", "dry-needling"])
                let needling = technique == "dry-needling" && rng.next() % 2 == 0
                let acknowledged = entries.filter { $0.type == PrecautionRecorded.eventType }.map(\.id).suffix(Int(rng.next() % 2))
                _ = write(on: node, patient: patient, TechniqueApplied(technique: technique, region: "neck", minutes: 10, needles: needling ? Int(1 + rng.next() % 5) : nil,
                                                                       gauge: needling ? pick(["0.16", "0.25", "0.30"]) : nil, twitch: needling ? pick([true, false]) : nil,
                                                                       acknowledgedPrecautions: acknowledged.isEmpty ? nil : Array(acknowledged)))
            case 5: _ = write(on: node, patient: patient, HistoryEntryRecorded(kind: pick(["medication", "illness"]), text: "entry \(rng.next() % 100)"))
            case 6:
                if let target = entries.last(where: { $0.type == PainScoreRecorded.eventType }) {
                    _ = write(on: node, patient: patient, EntryCorrected(target: target.id, fields: ["score": .int(Int(rng.next() % 11))], reason: "re-rated"))
                }
            case 7:
                if !entries.isEmpty { _ = write(on: node, patient: patient, EntryRetracted(target: pick(entries).id, reason: "error")) }
            case 9: _ = write(on: node, patient: patient, VisitStarted(reason: pick([nil, "review"])))
            case 10:
                if let visit = entries.last(where: { $0.type == VisitStarted.eventType }) {
                    _ = write(on: node, patient: patient, VisitEnded(visit: visit.id, note: pick([nil, "home exercises"])))
                }
            case 11:
                if let finding = entries.last(where: { $0.type == TriggerPointFound.eventType }) {
                    _ = write(on: node, patient: patient, TriggerPointResolved(finding: finding.id))
                }
            case 12:
                // Corrections a clinician may make, and one the fold must ignore (a visit is not
                // a correctable member of a trigger point; a score of 11 is not a score).
                if let target = entries.last(where: { $0.type == TriggerPointFound.eventType }) {
                    let fields: [String: JSONValue] = pick([["status": .string(pick(["active", "latent"]))], ["visit": .string(target.id.rawValue)], ["note": .string("deeper")]])
                    _ = write(on: node, patient: patient, EntryCorrected(target: target.id, fields: fields, reason: "re-examined"))
                } else if let target = entries.last(where: { $0.type == PainScoreRecorded.eventType }) {
                    _ = write(on: node, patient: patient, EntryCorrected(target: target.id, fields: ["score": .int(11)], reason: "typo"))
                }
            case 13:
                _ = write(on: node, patient: patient, TreatmentNoteRecorded(subjective: pick([nil, "sore \(rng.next() % 9)"]), plan: "review \(rng.next() % 9)"))
            case 14:
                let technique = pick(["cupping", "dry-needling"])
                let consent = rng.next() % 3 == 0
                    ? ConsentRecorded(technique: technique, decision: "withdrawn", note: pick([nil, "changed mind"]))
                    : ConsentRecorded(technique: technique, decision: "given", form: pick(["verbal", "written"]), risks: pick([nil, "bruising"]))
                _ = write(on: node, patient: patient, consent)
            case 15: _ = write(on: node, patient: patient, PrecautionRecorded(kind: pick(["anticoagulant", "pregnancy", "lymphoedema"]), note: pick([nil, "noted"])))
            case 16:
                if let precaution = entries.last(where: { $0.type == PrecautionRecorded.eventType }) {
                    _ = write(on: node, patient: patient, PrecautionResolved(precaution: precaution.id, note: pick([nil, "no longer"])))
                }
            case 17:
                if let technique = entries.last(where: { $0.type == TechniqueApplied.eventType }) {
                    _ = write(on: node, patient: patient, AdverseEventRecorded(kind: pick(["bruising", "pain-flare"]), severity: pick(["mild", "severe"]), after: technique.id))
                }
            case 18:
                let measurement = rng.next() % 2 == 0
                    ? MeasurementRecorded(test: "cervical-rotation", side: pick(["left", "right"]), value: String(30 + rng.next() % 50), unit: "deg")
                    : MeasurementRecorded(test: "spurling", result: pick(["positive", "negative"]))
                _ = write(on: node, patient: patient, measurement)
            case 19:
                // Corrections of the records of care, some of which the fold must ignore
                // (needling details on cupping, a consent decision, a value that is no number).
                let careTypes = [MeasurementRecorded.eventType, AdverseEventRecorded.eventType, TreatmentNoteRecorded.eventType, ConsentRecorded.eventType,
                                 TechniqueApplied.eventType, PrecautionRecorded.eventType]
                if let target = entries.last(where: { careTypes.contains($0.type) }) {
                    let fields: [String: JSONValue] = pick([
                        ["value": .string(String(rng.next() % 90))], ["value": "1.50"], ["severity": "moderate"], ["plan": "discharge"], ["form": "written"],
                        ["decision": "withdrawn"], ["needles": .int(Int(1 + rng.next() % 9))], ["twitch": true], ["note": "amended"],
                    ])
                    _ = write(on: node, patient: patient, EntryCorrected(target: target.id, fields: fields, reason: "amended"))
                }
            case 24:
                // Sign off the last visit this node knows: its start, its entries, its ends.
                if let visit = entries.last(where: { $0.type == VisitStarted.eventType }) {
                    let listed = entries.filter { $0.id == visit.id || (try? $0.payloadValue())?.objectValue?["visit"]?.stringValue == visit.id.rawValue }.map(\.id)
                    _ = write(on: node, patient: patient, VisitSignedOff(visit: visit.id, entries: listed))
                }
            case 25:
                // Co-sign what a student wrote (the fold ignores entries that are not a student's).
                let students = entries.filter { $0.authorRole == EntryCoSigned.studentRole }.suffix(1 + Int(rng.next() % 3))
                if !students.isEmpty { _ = write(on: node, patient: patient, EntryCoSigned(events: students.map(\.id) + entries.suffix(1).map(\.id))) }
            case 26:
                // A late entry: a pain score recorded days after the care.
                _ = write(on: node, patient: patient, PainScoreRecorded(score: Int(rng.next() % 11), region: "neck", context: "pre"), daysLate: 1 + Int(rng.next() % 3))
            case 27:
                // A correction or retraction of a visit's entry, signed or not: signed ones become addenda.
                var signed = Set<EventID>()
                for event in nodes[node].known where event.patient == patient {
                    if case .visitSignedOff(let signOff)?? = try? ClinicalEvent.decode(event) { signed.formUnion(signOff.entries) }
                }
                let amendable = entries.filter { $0.type == PainScoreRecorded.eventType || $0.type == VisitStarted.eventType }
                let preferSigned = rng.next() % 2 == 0
                if let target = (preferSigned ? amendable.last(where: { signed.contains($0.id) }) : nil) ?? amendable.last {
                    let fields: [String: JSONValue] = target.type == PainScoreRecorded.eventType ? ["score": .int(Int(rng.next() % 11))] : ["reason": "amended"]
                    _ = rng.next() % 3 == 0
                        ? write(on: node, patient: patient, EntryRetracted(target: target.id, reason: "entered in error"))
                        : write(on: node, patient: patient, EntryCorrected(target: target.id, fields: fields, reason: "addendum"))
                }
            case 31:
                // An answer set: NDI with up to two items skipped, or PSFS's activities, at any context.
                let context = pick(["baseline", "reassessment", "discharge"])
                if rng.next() % 2 == 0 {
                    var answers: [Int?] = (0..<10).map { _ in Int(rng.next() % 6) }
                    for _ in 0..<Int(rng.next() % 3) { answers[Int(rng.next() % 10)] = nil }
                    _ = write(on: node, patient: patient, OutcomeRecorded(instrument: "ndi", version: 1, answers: answers, context: context))
                } else {
                    let count = 1 + Int(rng.next() % 3)
                    _ = write(on: node, patient: patient, OutcomeRecorded(instrument: "psfs", version: 1, answers: (0..<count).map { _ in Int(rng.next() % 11) },
                                                                          activities: (0..<count).map { "Activity \($0)" }, context: context))
                }
            case 32:
                // Corrections of an answer set: rescored answers, a context, and ones the fold must
                // ignore (an answer out of range, an instrument changed, the wrong number of answers).
                if let target = entries.last(where: { $0.type == OutcomeRecorded.eventType }) {
                    let ndi = (try? target.payloadValue())?.objectValue?["instrument"]?.stringValue == "ndi"
                    let answers: JSONValue = ndi ? .array((0..<10).map { _ in .int(Int(rng.next() % 6)) }) : .array([.int(Int(rng.next() % 11))])
                    let fields: [String: JSONValue] = pick([["answers": answers], ["context": pick(["baseline", "discharge"])], ["answers": [9, 9]],
                                                            ["instrument": "odi"], ["note": "re-scored"]])
                    _ = write(on: node, patient: patient, EntryCorrected(target: target.id, fields: fields, reason: "re-scored"))
                }
            default:
                let other = Int(rng.next() % UInt64(nodes.count))
                if other != node { sync(other, into: node) }
            }
        }
    }

    /// The events in a random arrival order that keeps each origin's sequence order, as sync delivers them.
    mutating func arrivalOrder(_ events: [EventEnvelope]) -> [EventEnvelope] {
        var queues = Dictionary(grouping: events, by: \.origin).mapValues { $0.sorted { $0.sequence < $1.sequence } }
        var order: [EventEnvelope] = []
        while !queues.isEmpty {
            let origin = pick(queues.keys.sorted())
            order.append(queues[origin]!.removeFirst())
            if queues[origin]!.isEmpty { queues[origin] = nil }
        }
        return order
    }
}
