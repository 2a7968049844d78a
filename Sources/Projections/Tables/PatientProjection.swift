import ClinicalEvents
import Dispatch
import ClinicalFold
import EventLog
import GRDB
import EventModel

/// The patient views, as tables in the store's database (documented in Schemas/projections.md).
///
/// A write applies its events to the views of each patient it touched. Events that sort (in
/// ``CausalOrder``) after everything already folded for the patient — a clinic's own write, an
/// in-order sync — and that add an entry, end a visit, resolve a trigger point, correct or retract
/// an entry are applied in place: one row inserted, updated or deleted, and the summary updated
/// (``PatientProjection+InPlace``). Anything else — a late arrival sorting before what was folded,
/// a registration, a change of details — re-folds that patient from their events
/// (an index seek), never the whole store. `rebuild` folds every patient from the log. Both paths
/// write the same rows (``EntryTable``), and ``PatientFold`` is defined so that they agree.
public struct PatientProjection: LogProjection {
    public let name = "patients"
    /// Bump when the tables or the fold change: every store rebuilds on open.
    /// 2: active and latent trigger points counted apart (latent ones were counted as active).
    /// 3: views applied in place: entry tables hold every member `show` needs, the summary the
    ///    fold's position; amendments act only on what sorts before them; strict corrections.
    /// 4: the records of care (issue 30): treatment notes, consents, precautions, adverse
    ///    events and measurements have tables; techniques gained the needling columns; the
    ///    summary counts adverse events.
    /// 5: visit ends and trigger point resolutions kept (`visit_ends`, `trigger_point_resolutions`)
    ///    with their notes, and `show` groups each visit's entries under it (``VisitSummary``).
    /// 6: sign-off, addenda, late entries and co-signature (issue 33): entry rows keep when they
    ///    were written, their author's role, the sign-off and co-signature covering them and
    ///    the addenda after the sign-off; the summary counts entries awaiting a co-signature.
    /// 7: outcome measures (issue 34): answer sets in `outcomes`, scored at read time.
    public let version = 7

    public init() {}

    public var tables: [String] { Self.tables }
    static let tables = ["patient_summary", "field_conflicts"] + EntryTable.all.map(\.name)

    public func drop(in db: Database) throws {
        for table in Self.tables { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
    }

    /// Every table is keyed by its primary key alone (`WITHOUT ROWID`): a row is one B-tree
    /// insert, not a rowid table's plus its key's index.
    public func create(in db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE patient_summary (
                patient TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                dateOfBirth TEXT NOT NULL,
                phone TEXT,
                email TEXT,
                address TEXT,
                lastVisit TEXT,
                latestPainScore INTEGER,
                activeTriggerPoints INTEGER NOT NULL,
                latentTriggerPoints INTEGER NOT NULL,
                adverseEvents INTEGER NOT NULL,
                awaitingCoSignature INTEGER NOT NULL,
                eventCount INTEGER NOT NULL,
                foldedLamport INTEGER NOT NULL,
                foldedOrigin TEXT NOT NULL,
                foldedSequence INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX patient_summary_by_name ON patient_summary(name COLLATE NOCASE, patient);
            CREATE TABLE field_conflicts (
                patient TEXT NOT NULL,
                field TEXT NOT NULL,
                shown TEXT,
                candidates TEXT NOT NULL,
                PRIMARY KEY (patient, field)
            ) STRICT, WITHOUT ROWID;
            """)
        for table in EntryTable.all { try db.execute(sql: table.createSQL) }
    }

    public func apply(_ events: [EventEnvelope], in transaction: ProjectionTransaction) throws {
        _ = try applyCounting(events, in: transaction)
    }

    /// ``apply(_:in:)``, saying how many patients were updated in place and how many re-folded.
    func applyCounting(_ events: [EventEnvelope], in transaction: ProjectionTransaction) throws -> (inPlace: Int, refolded: Int) {
        var counts = (inPlace: 0, refolded: 0)
        var arrived: [PatientID: [EventEnvelope]] = [:]
        var touched: [PatientID] = []
        for event in events {
            guard let patient = event.patient else { continue }
            if arrived[patient] == nil { touched.append(patient) }
            arrived[patient, default: []].append(event)
        }
        // The patients to fold again, each once for the whole batch: read here (SQLite stays on
        // the transaction's thread), folded on both cores, then written.
        var folds: [Refold] = []
        for patient in touched {
            // Erased here (by an event of this transaction or before): nothing of theirs is kept
            // in the views, and nothing that arrives later is folded.
            if try transaction.reader.erasure(of: patient) != nil {
                try delete(patient, in: transaction.db)
                continue
            }
            let events = CausalOrder.sorted(arrived[patient]!)
            if try applyInPlace(events, of: patient, in: transaction) {
                counts.inPlace += 1
            } else {
                folds.append(try refoldInput(patient, arrived: events, in: transaction))
                counts.refolded += 1
            }
        }
        let records = try Self.fold(folds)
        for (fold, record) in zip(folds, records) { try store(record, in: transaction.db, replacing: fold.replacing) }
        return counts
    }

    /// One patient to fold again from `events` (every event of theirs), whose rows are replaced
    /// when they may have some.
    struct Refold: Sendable {
        var patient: PatientID
        var events: [EventEnvelope]
        var replacing: Bool
    }

    /// Folds each patient of `folds` (``PatientFold``, a pure function of their events), in
    /// order, two at a time when there are several: folding is most of a received batch's views.
    static func fold(_ folds: [Refold]) throws -> [PatientRecord] {
        guard folds.count > 1 else { return try folds.map { try PatientFold.fold($0.patient, events: $0.events) } }
        let results = FoldResults(count: folds.count)
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            for index in stride(from: lane, to: folds.count, by: 2) {
                results.set(index, Result { try PatientFold.fold(folds[index].patient, events: folds[index].events) })
            }
        }
        return try results.values.map { try $0!.get() }
    }

    public func rebuild(in transaction: ProjectionTransaction) throws {
        // Folding on a second core while this one reads the log and writes the rows.
        try transaction.reader.forEachPatientPipelined(transform: { patient, events in try PatientFold.fold(patient, events: events) }, consume: { record in
            try store(record, in: transaction.db, replacing: false)
        })
    }

    public func refold(_ patients: [PatientID], in transaction: ProjectionTransaction) throws {
        for patient in patients where try transaction.reader.erasure(of: patient) == nil {
            try refold(patient, arrived: [], in: transaction)
        }
    }

    /// Deletes every row of `patient` (the store's `secure_delete` zeroes what they held).
    func delete(_ patient: PatientID, in db: Database) throws {
        for table in Self.tables { try db.cachedStatement(sql: "DELETE FROM \(table) WHERE patient = ?").execute(arguments: [patient.rawValue]) }
    }

    /// Folds `patient` again from their events and replaces their rows. `arrived` are the events
    /// this transaction stored: when they are all the patient has (a new patient), they are folded
    /// as they are, without reading them back.
    func refold(_ patient: PatientID, arrived: [EventEnvelope], in transaction: ProjectionTransaction) throws {
        let fold = try refoldInput(patient, arrived: arrived, in: transaction)
        try store(try PatientFold.fold(patient, events: fold.events), in: transaction.db, replacing: fold.replacing)
    }

    /// What ``refold(_:arrived:in:)`` folds: the events of `patient`, read back unless `arrived`
    /// are all they have.
    func refoldInput(_ patient: PatientID, arrived: [EventEnvelope], in transaction: ProjectionTransaction) throws -> Refold {
        let held = try Int.fetchOne(transaction.db.cachedStatement(sql: "SELECT count(*) FROM events WHERE patient = ?"), arguments: [patient.rawValue]) ?? 0
        let events = held == arrived.count ? arrived : try transaction.reader.events(patient: patient)
        return Refold(patient: patient, events: events, replacing: held != arrived.count)
    }

    /// Writes one patient's rows from the folded record, replacing the rows it had (unless it can
    /// have none: the tables are freshly created, as in a rebuild, or the patient is new).
    func store(_ record: PatientRecord, in db: Database, replacing: Bool) throws {
        let patient = record.patient.rawValue
        if replacing { try delete(record.patient, in: db) }
        guard record.isRegistered, let folded = record.foldedThrough else { return }
        let details = record.details
        try db.cachedStatement(sql: """
            INSERT INTO patient_summary (patient, name, dateOfBirth, phone, email, address, lastVisit, latestPainScore, activeTriggerPoints, latentTriggerPoints,
                                         adverseEvents, awaitingCoSignature, eventCount, foldedLamport, foldedOrigin, foldedSequence)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                patient, details.name, details.dateOfBirth, details.phone, details.email, details.address, record.lastVisit?.description,
                record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score, record.activeTriggerPoints.count, record.latentTriggerPoints.count,
                record.adverseEvents.count, record.awaitingCoSignature.count, record.eventCount,
                folded.lamport, folded.origin, folded.sequence,
            ])
        for conflict in record.conflicts {
            try db.cachedStatement(sql: "INSERT INTO field_conflicts (patient, field, shown, candidates) VALUES (?, ?, ?, ?)").execute(
                           arguments: [patient, conflict.field, conflict.shown, try CanonicalEncoder().string(conflict.values)])
        }
        for entry in record.painScores { try EntryTable.painScores.insert(entry, patient: record.patient, flag: nil, in: db) }
        // `active` in this table means still present (not resolved), active or latent alike.
        let present = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        for entry in record.triggerPoints { try EntryTable.triggerPoints.insert(entry, patient: record.patient, flag: present.contains(entry.event.id), in: db) }
        for entry in record.techniques { try EntryTable.techniques.insert(entry, patient: record.patient, flag: nil, in: db) }
        for entry in Vocabularies.historyKinds.terms.flatMap({ record.history($0.id) }) { try EntryTable.history.insert(entry, patient: record.patient, flag: nil, in: db) }
        for entry in record.visits {
            try EntryTable.visits.insert(entry, patient: record.patient, flag: record.endedVisits.contains(entry.event.id), in: db)
        }
        // An end or a resolution is kept while its visit or trigger point has a row: what an
        // in-place update keeps too (it inserts one only then, and deletes them with their target).
        let visits = Set(record.visits.map(\.event.id)), triggerPoints = Set(record.triggerPoints.map(\.event.id))
        for entry in record.visitEnds {
            guard case .visitEnded(let ended) = entry.current, visits.contains(ended.visit) else { continue }
            try EntryTable.visitEnds.insert(entry, patient: record.patient, flag: nil, in: db)
        }
        for entry in record.resolutions {
            guard case .triggerPointResolved(let resolution) = entry.current, triggerPoints.contains(resolution.finding) else { continue }
            try EntryTable.resolutions.insert(entry, patient: record.patient, flag: nil, in: db)
        }
        try storeCare(record, in: db)
    }
}

extension PatientProjection {
    /// The rows of the records of care: every entry not retracted (every consent decision, not
    /// only the one that stands; resolved precautions with `active` 0).
    func storeCare(_ record: PatientRecord, in db: Database) throws {
        let active = Set(record.activePrecautions.map(\.event.id))
        for entry in record.entries where !entry.isRetracted {
            switch entry.current {
            case .treatmentNoteRecorded: try EntryTable.treatmentNotes.insert(entry, patient: record.patient, flag: nil, in: db)
            case .consentRecorded: try EntryTable.consents.insert(entry, patient: record.patient, flag: nil, in: db)
            case .precautionRecorded: try EntryTable.precautions.insert(entry, patient: record.patient, flag: active.contains(entry.event.id), in: db)
            case .adverseEventRecorded: try EntryTable.adverseEvents.insert(entry, patient: record.patient, flag: nil, in: db)
            case .measurementRecorded: try EntryTable.measurements.insert(entry, patient: record.patient, flag: nil, in: db)
            case .outcomeRecorded: try EntryTable.outcomes.insert(entry, patient: record.patient, flag: nil, in: db)
            default: break
            }
        }
    }
}
