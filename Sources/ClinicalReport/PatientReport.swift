import ClinicalEvents
import EventLog
import ClinicalFold
import Projections
import EventModel
import EventCrypto
import EventSync

/// Everything one patient's report shows, read in one transaction: the folded record (the fold
/// `myolog show` uses), the timeline (as `myolog timeline` shows it), and the basis — which
/// events it was made from and whether their chains verified. Rendered by ``page(navigation:)``;
/// the same events read on the same site clock give the same bytes on every store (but for
/// ``Generation``, who made it where and when).
public struct PatientReport: Sendable {
    public var record: PatientRecord
    public var view: PatientView
    public var timeline: [AuditLine]
    public var basis: ReportBasis
    public var generation: Generation
    /// The clock every time in the report is read on: the site's own zone, named once in its header.
    public var siteClock: SiteClock

    /// Who made the report, when, where: the one part that differs between two reports of the
    /// same record (it is also what the report's access record says).
    public struct Generation: Sendable, Equatable {
        public var user: String
        public var at: Timestamp
        public var site: String
        public var node: NodeID

        public init(user: String, at: Timestamp, site: String, node: NodeID) {
            (self.user, self.at, self.site, self.node) = (user, at, site, node)
        }
    }

    /// A report of `record` (its ``PatientRecord/view`` shown) with `timeline`'s lines, its
    /// times read on `siteClock`.
    public init(record: PatientRecord, timeline: [AuditLine], basis: ReportBasis, generation: Generation, siteClock: SiteClock) {
        (self.record, self.view, self.timeline, self.basis, self.generation) = (record, record.view, timeline, basis, generation)
        self.siteClock = siteClock
    }

    /// Reads the report of `patient` as `travel` selects, and checks the events it shows
    /// (``ChainCheck/covering(_:in:)``); nil when the patient was not registered then.
    /// `localChainProblem` is ``EventStore/localChainProblem()``'s answer, read just before.
    /// `folds` (a viewer's): the fold and timeline made from exactly these events before, if any.
    public static func read(_ patient: PatientID, _ travel: TimeTravel, in reader: EventReader, localChainProblem: String?,
                            generation: Generation, siteClock: SiteClock, signatures memo: SignatureMemo? = nil,
                            folds: ReportMemo? = nil) throws -> PatientReport? {
        let events = try reader.events(patient: patient)
        let lateEntries = try LateEntryPolicy(reader, travel)
        let made = try folds?.made(patient, travel, events: events, sites: reader.sites(), lateEntries: lateEntries) {
            (try PatientFold.fold(patient, events: events, covering: travel, lateEntries: lateEntries), try AuditTrail(reader).timeline(of: events, travel))
        }
        let record = try made?.record ?? PatientFold.fold(patient, events: events, covering: travel, lateEntries: lateEntries)
        guard record.isRegistered else { return nil }
        let shown = events.filter(travel.includes)
        let verification: ReportBasis.Verification
        if let localChainProblem {
            verification = .failed(localChainProblem)
        } else {
            do {
                verification = .passed(events: shown.count, signatures: try ChainCheck.covering(shown, in: reader, memo: memo))
            } catch {
                verification = .failed("\(error)")
            }
        }
        return PatientReport(record: record, timeline: try made?.timeline ?? AuditTrail(reader).timeline(of: events, travel),
                             basis: try ReportBasis.read(travel, in: reader, verification: verification), generation: generation, siteClock: siteClock)
    }

    /// The findings the body chart marks: present ones by status, and those resolved.
    public var findings: [BodyChart.Finding] {
        let present = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        return record.triggerPoints.compactMap { entry in
            guard let found = entry.view(as: TriggerPointFound.self)?.payload else { return nil }
            let status: BodyChart.Finding.Status = !present.contains(entry.event.id) ? .resolved : found.isLatent ? .latent : .active
            return BodyChart.Finding(eventId: entry.event.id, muscle: found.muscle, side: found.side, status: status, referral: found.referral)
        }
    }

    /// When, and by whom, each resolved finding was resolved (the latest resolution not retracted).
    var resolutions: [EventID: (event: EventEnvelope, note: String?)] {
        var resolved: [EventID: (event: EventEnvelope, note: String?)] = [:]
        for entry in record.entries where !entry.isRetracted {
            if case .triggerPointResolved(let resolution) = entry.current { resolved[resolution.finding] = (entry.event, resolution.note) }
        }
        return resolved
    }

    /// Each ended visit's closing entry (the first end not retracted, with corrections applied),
    /// by the visit's id.
    var visitEnds: [EventID: (event: EventEnvelope, note: String?)] {
        var ends: [EventID: (event: EventEnvelope, note: String?)] = [:]
        for entry in record.entries where !entry.isRetracted {
            if case .visitEnded(let ended) = entry.current, ends[ended.visit] == nil { ends[ended.visit] = (entry.event, ended.note) }
        }
        return ends
    }
}

/// What a report was made from: the store's head per origin (sequence and hash) when it was
/// read — or at the clock asked for — and whether the chains verified.
public struct ReportBasis: Sendable, Equatable {
    public init(travel: TimeTravel, heads: [Head], verification: Verification) {
        (self.travel, self.heads, self.verification) = (travel, heads, verification)
    }

    public var travel: TimeTravel
    public var heads: [Head]
    public var verification: Verification

    public struct Head: Sendable, Equatable {
        public var node: NodeID
        public var site: String?
        public var sequence: Int
        public var hash: EventHash
    }

    /// The check of the events a report shows (``ChainCheck/covering(_:in:)``) and of this
    /// node's own chain against its signed head.
    public enum Verification: Sendable, Equatable {
        case passed(events: Int, signatures: Int)
        case failed(String)
    }

    static func read(_ travel: TimeTravel, in reader: EventReader, verification: Verification) throws -> ReportBasis {
        let sites = try reader.sites()
        var heads: [Head] = []
        for (node, head) in try reader.heads().sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            switch travel {
            case .atClock(let clock):
                // At a clock, each origin's event at the clock's sequence (those before it are
                // fixed by its hash chain).
                let sequence = min(clock[node], head.sequence)
                guard sequence > 0, let event = try reader.events(origin: node, after: sequence - 1, limit: 1).first else { continue }
                heads.append(Head(node: node, site: sites[node], sequence: sequence, hash: event.hash))
            case .now, .asOf:
                heads.append(Head(node: node, site: sites[node], sequence: head.sequence, hash: head.hash))
            }
        }
        return ReportBasis(travel: travel, heads: heads, verification: verification)
    }
}

extension ReportBasis.Verification {
    public var succeeded: Bool { if case .passed = self { true } else { false } }
}
