@testable import ChainHub
import ClinicalLog
import EventLog
import Foundation
import MyologTestSupport
import Testing
import EventModel
@testable import EventCrypto
import EventSync

/// The receive rules are written once (``ReceiveLedger``); this runs the same offers against a
/// SQLite store and a PostgreSQL hub and asks for the same outcome, refusal text included — and
/// for the outcome the rules require, pinned in each case: two engines agreeing on a wrong
/// verdict would pass a comparison of one with the other.
@Suite("Tampered, forked, untrusted and gapped events: a hub handles them exactly as a SQLite store", .serialized)
struct HubParityTests {
    let scratch = TemporaryDirectory("parity")

    /// What a receiver did with an offer: its summary, or its refusal.
    enum Outcome: Equatable, CustomStringConvertible {
        case summary(String), refused(EventProblem.Code?, String)
        var description: String { switch self { case .summary(let s): "summary \(s)"; case .refused(let code, let r): "refused (\(code?.rawValue ?? "no code")): \(r)" } }
    }

    /// The verdict the rules require of an offer, pinned by hand for each case.
    enum Verdict {
        /// Accepted: how many of the source's events were stored, found already held, held back
        /// (ahead of a gap) or kept aside awaiting trust, and the sequences quarantined as forks.
        case accepted(stored: Int = 0, duplicates: Int = 0, heldBack: Int = 0, quarantined: [Int] = [], awaitingTrust: Int = 0)
        /// Refused, naming the event at `index` of the batch offered, for the rule `code`, in the words `reason`.
        case refused(index: Int, code: EventProblem.Code, reason: String)

        /// The outcome a receiver reports for this verdict on `batch` from `origin`.
        func outcome(origin: NodeID, batch: [EventEnvelope]) -> Outcome {
            switch self {
            case .accepted(let stored, let duplicates, let heldBack, let quarantined, let awaitingTrust):
                var summary = ReceiveSummary()
                if stored > 0 { summary.stored[origin] = stored }
                summary.duplicates = duplicates
                summary.heldBack = heldBack
                summary.quarantined = quarantined.map { ChainPlace(origin: origin, sequence: $0) }
                if awaitingTrust > 0 { summary.awaitingTrust[origin] = awaitingTrust }
                return .summary(summary.json.canonicalString)
            case .refused(let index, let code, let reason):
                let event = batch[index]
                return .refused(code, EventProblem(code, eventID: event.id.rawValue, origin: event.origin.rawValue, sequence: event.sequence, reason: reason).description)
            }
        }
    }

    /// An offer: what the receiver already holds of the source (its first `holding` commits,
    /// each ending on a signed event), whether it trusts the source, the batch offered (made
    /// from the source's events and how many of them the receiver holds), and its verdict.
    struct Case: Sendable {
        var name: String
        var holding = 0
        var trusted = true
        /// Whether the batch is signed with the source's key before it is offered (a forger cannot).
        var signedBySource = false
        var offer: @Sendable ([EventEnvelope], Int) -> [EventEnvelope]
        var verdict: @Sendable (_ events: [EventEnvelope], _ held: Int) -> Verdict
        /// A second batch, offered after the first (its receipt compared too), and its verdict.
        var then: (@Sendable ([EventEnvelope], Int) -> [EventEnvelope])? = nil
        var thenVerdict: (@Sendable ([EventEnvelope], Int) -> Verdict)? = nil
    }

    static func rehashed(_ event: EventEnvelope, _ change: (inout EventEnvelope) -> Void) -> EventEnvelope {
        var altered = event
        change(&altered)
        altered.hash = altered.computedHash
        return altered
    }

    /// `event` with its origin's signature, made as a store signs the head of a commit
    /// (``ChainSignature``: a fixed label and the event's hash, signed with the node key).
    static func signed(_ event: EventEnvelope, by source: NodeIdentity) throws -> EventEnvelope {
        var signed = event
        let bytes = try source.signature(for: Data("myolog chain head v1\n\(event.hash.rawValue)".utf8))
        signed.signature = try #require(ChainSignature(bytes.map { String(format: "%02x", $0) }.joined()))
        return signed
    }

    static let cases: [Case] = [
        Case(name: "intact", offer: { events, _ in events }, verdict: { events, _ in .accepted(stored: events.count) }),
        // The space makes the payload non-canonical: refused for that before its hash is looked at.
        Case(name: "tampered payload, hash kept", offer: { events, _ in
            var all = events
            all[3].payload = all[3].payload.replacingOccurrences(of: "\"", with: " \"", options: [], range: all[3].payload.range(of: "\""))
            return all
        }, verdict: { _, _ in .refused(index: 3, code: .payloadNotCanonical, reason: "payload is not canonical JSON") }),
        Case(name: "tampered payload, still canonical JSON, hash kept", offer: { events, _ in
            var all = events
            let text = all[3].payload
            let value = text.range(of: #"":""#)!.upperBound
            let letter = text[value...].firstIndex { $0.isASCII && $0.isLetter }!
            all[3].payload = text.replacingCharacters(in: letter...letter, with: text[letter] == "a" ? "b" : "a")
            return all
        }, verdict: { _, _ in .refused(index: 3, code: .hashMismatch, reason: "hash does not match the event's contents") }),
        Case(name: "tampered author, rehashed (the signature no longer covers it)", offer: { events, _ in
            var all = events
            all[events.count - 1] = rehashed(all[events.count - 1]) { $0.author = "mallory" }
            return all
        }, verdict: { events, _ in .refused(index: events.count - 1, code: .badSignature, reason: "its signature is not its origin's signature over its hash: altered or forged") }),
        Case(name: "an altered copy of an event already held (its id, other content): refused", holding: 2, offer: { events, held in
            [rehashed(events[held - 1]) { $0.author = "other" }]
        }, verdict: { _, _ in .refused(index: 0, code: .duplicateID, reason: "another event with this id is already stored") }),
        Case(name: "forked: another validly hashed event, signed by its origin, at a place already held", holding: 2, signedBySource: true, offer: { events, held in
            [rehashed(events[held - 1]) { $0.id = EventID.make(); $0.author = "other" }]
        }, verdict: { events, held in .accepted(quarantined: [events[held - 1].sequence]) }),
        Case(name: "gapped: events ahead of a gap are held back", holding: 1, offer: { events, held in Array(events[(held + 2)...]) },
             verdict: { events, held in .accepted(heldBack: events.count - held - 2) }),
        Case(name: "gap filled: held events are released in order", holding: 1, offer: { events, held in Array(events[(held + 2)...]) + Array(events[held..<(held + 2)]) },
             verdict: { events, held in .accepted(stored: events.count - held, heldBack: events.count - held - 2) }),
        // The held-back events wait in the log (not in the batch): the later batch releases them.
        Case(name: "gap filled by a later batch: events held in the log are released", holding: 1,
             offer: { events, held in Array(events[(held + 2)...]) }, verdict: { events, held in .accepted(heldBack: events.count - held - 2) },
             then: { events, held in Array(events[held..<(held + 2)]) }, thenVerdict: { events, held in .accepted(stored: events.count - held) }),
        Case(name: "untrusted origin: events wait", trusted: false, offer: { events, _ in events }, verdict: { events, _ in .accepted(awaitingTrust: events.count) }),
        Case(name: "unsigned tail: refused", offer: { events, _ in
            let lastSigned = events.lastIndex { $0.signature != nil }!
            return Array(events[..<lastSigned]) + [{ var e = events[lastSigned]; e.signature = nil; return e }()]
        }, verdict: { events, _ in
            .refused(index: events.lastIndex { $0.signature != nil }!, code: .notCovered,
                     reason: "not covered by a signature of its origin: a sender must send each origin's events up to a signed one (the last of a commit)")
        }),
        Case(name: "duplicates", holding: 2, offer: { events, held in Array(events[..<held]) }, verdict: { _, held in .accepted(duplicates: held) }),
    ]

    func outcome(_ body: () async throws -> ReceiveSummary) async -> Outcome {
        do {
            var summary = try await body()
            summary.quarantined.sort()
            return .summary(summary.json.canonicalString)
        } catch let refusal as EventProblem {
            return .refused(refusal.code, refusal.description)
        } catch {
            return .refused(nil, "unexpected: \(error)")
        }
    }

    @Test("each offer: the same receipt (or the same refusal) from both engines, and verify clean on both after")
    func parity() async throws {
        let cluster = try PostgresCluster()
        // The demo clinic (`myolog demo tour`), written through the library.
        let sourceStore = try EventStore.create(at: scratch.url("source"), site: "Fitzroy demo clinic", author: "demo@myolog")
        _ = try DemoClinic.populate(ClinicalRecord(store: sourceStore))
        let origin = sourceStore.identity.nodeID
        let events = try sourceStore.read { try $0.events(origin: origin, after: 0, limit: 10_000) }
        #expect(events.count > 10)
        for (index, parityCase) in Self.cases.enumerated() {
            // A SQLite receiver.
            let sqlite = try EventStore.create(at: scratch.url("sqlite-\(index)"), site: "Receiver", author: "test")
            // A hub receiver: its own store directory, its own database.
            try cluster.psql("CREATE DATABASE case\(index)")
            let hubStore = try EventStore.create(at: scratch.url("hub-\(index)"), site: "Hub", author: "test")
            let server = try HubServer.resolve(url: cluster.url(database: "case\(index)"), environment: [:])
            let hub = try await Hub.initialise(store: hubStore, server: server)
            if parityCase.trusted {
                try sqlite.trustPeer(origin, name: "source", author: "test")
                try hubStore.trustPeer(origin, name: "source", author: "test")
            }
            var held = 0
            if parityCase.holding > 0 {
                held = events.indices.filter { events[$0].signature != nil }[parityCase.holding - 1] + 1
                _ = try sqlite.receiveBatch(Array(events[..<held]))
                _ = try await hub.receive(Array(events[..<held]))
            }
            let offered = parityCase.offer(events, held)
            let batch = parityCase.signedBySource ? try offered.map { try Self.signed($0, by: sourceStore.identity) } : offered
            let atSQLite = await outcome { try sqlite.receiveBatch(batch) }
            let atHub = await outcome { try await hub.receive(batch) }
            #expect(atSQLite == atHub, "\(parityCase.name): SQLite \(atSQLite) — hub \(atHub)")
            let required = parityCase.verdict(events, held).outcome(origin: origin, batch: batch)
            #expect(atSQLite == required, "\(parityCase.name): SQLite \(atSQLite) — the rules: \(required)")
            #expect(atHub == required, "\(parityCase.name): hub \(atHub) — the rules: \(required)")
            if let then = parityCase.then, let thenVerdict = parityCase.thenVerdict {
                let later = then(events, held)
                let (laterAtSQLite, laterAtHub) = (await outcome { try sqlite.receiveBatch(later) }, await outcome { try await hub.receive(later) })
                #expect(laterAtSQLite == laterAtHub, "\(parityCase.name), later batch: SQLite \(laterAtSQLite) — hub \(laterAtHub)")
                let laterRequired = thenVerdict(events, held).outcome(origin: origin, batch: later)
                #expect(laterAtSQLite == laterRequired, "\(parityCase.name), later batch: SQLite \(laterAtSQLite) — the rules: \(laterRequired)")
                #expect(laterAtHub == laterRequired, "\(parityCase.name), later batch: hub \(laterAtHub) — the rules: \(laterRequired)")
            } else {
                #expect(parityCase.then == nil && parityCase.thenVerdict == nil, "\(parityCase.name): a later batch needs its verdict")
            }
            // Whatever was offered, both logs still verify.
            _ = try sqlite.read { try ChainCheck.run($0) }
            _ = try await hub.verify()
            await hub.close()
        }
    }
}

/// The version gate, without an old server to hand: PostgreSQL 14 and older refused, 15 on taken.
@Suite("Hub: the oldest supported PostgreSQL")
struct HubVersionGateTests {
    @Test("server_version_num below 150000 refused, with a readable version in the one-line error")
    func gate() {
        #expect(!HubSchemaGate.supports(140013) && !HubSchemaGate.supports(90624))
        #expect(HubSchemaGate.supports(150000) && HubSchemaGate.supports(150018) && HubSchemaGate.supports(170002))
        let error = HubError.serverTooOld(server: "postgres://myolog@db:5432/hub", version: HubSchemaGate.versionName("140013"), minimum: HubSchemaGate.versionName("150000"))
        #expect(error.code == .serverTooOld)
        #expect(error.description == "hub: PostgreSQL at postgres://myolog@db:5432/hub is version 14.13; the hub needs 15.0 or later")
        #expect(HubSchemaGate.versionName("90624") == "9.6")
    }
}

/// The internal gate, named for the test.
enum HubSchemaGate {
    static func supports(_ number: Int) -> Bool { HubSchema.supports(versionNumber: number) }
    static func versionName(_ number: String) -> String { Hub.versionName(number) }
}
