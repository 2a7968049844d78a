import EventCrypto
import EventModel
import EventSync
import ClinicalEvents
import Logging
import PostgresNIO
import ClinicalFold

/// The view tables' rows of a set of records, as `COPY` rows: one `COPY … FROM STDIN` per table.
/// What a column does not know (no birth year, no visit, no referral…) is NULL.
struct ViewRows {
    var patients = CopyRows(), pain = CopyRows(), triggers = CopyRows(), techniques = CopyRows(), visits = CopyRows(), conflicts = CopyRows()
    /// Adverse events, with the technique they followed (none when that entry was retracted).
    var adverse = CopyRows()
    /// Outcome measures' answer sets (``OutcomeRow``).
    var outcomes = CopyRows()

    /// The year of a date of birth (`YYYY-MM-DD`), or nil: all the hub's views keep of it.
    static func birthYear(_ dateOfBirth: String?) -> Int? { dateOfBirth.flatMap { Int($0.prefix(4)) } }

    mutating func add(_ record: PatientRecord) {
        let id = record.patient.rawValue
        patients.text(id); patients.integer(Self.birthYear(record.details.dateOfBirth)); patients.text(nil); patients.text(record.lastVisit?.description)
        patients.integer(record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score)
        patients.integer(record.activeTriggerPoints.count); patients.integer(record.latentTriggerPoints.count); patients.integer(record.eventCount)
        patients.end()
        for entry in record.painScores {
            guard let view = entry.view(as: PainScoreRecorded.self) else { continue }
            pain.text(id); pain.text(entry.event.id.rawValue); pain.text(entry.event.origin.rawValue); pain.text(entry.event.occurredAt.description)
            pain.integer(view.payload.score); pain.text(view.payload.region); pain.text(view.payload.context); pain.text(view.payload.visit?.rawValue)
            pain.end()
        }
        let present = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        for entry in record.triggerPoints {
            guard let view = entry.view(as: TriggerPointFound.self) else { continue }
            triggers.text(id); triggers.text(entry.event.id.rawValue); triggers.text(entry.event.origin.rawValue); triggers.text(entry.event.occurredAt.description)
            triggers.text(view.payload.muscle); triggers.text(view.payload.side); triggers.text(view.payload.status); triggers.boolean(!present.contains(entry.event.id))
            triggers.text(view.payload.referral.flatMap { $0.isEmpty ? nil : $0 }); triggers.text(view.payload.visit?.rawValue)
            triggers.end()
        }
        for entry in record.techniques {
            guard let view = entry.view(as: TechniqueApplied.self) else { continue }
            techniques.text(id); techniques.text(entry.event.id.rawValue); techniques.text(entry.event.origin.rawValue); techniques.text(entry.event.occurredAt.description)
            techniques.text(view.payload.technique); techniques.text(view.payload.region); techniques.integer(view.payload.minutes); techniques.text(view.payload.visit?.rawValue)
            techniques.end()
        }
        for entry in record.visits {
            guard entry.view(as: VisitStarted.self) != nil else { continue }
            visits.text(id); visits.text(entry.event.id.rawValue); visits.text(entry.event.origin.rawValue); visits.text(entry.event.occurredAt.description)
            visits.boolean(record.endedVisits.contains(entry.event.id))
            visits.end()
        }
        for conflict in record.conflicts {
            conflicts.text(id); conflicts.text(conflict.field); conflicts.integer(conflict.values.count)
            conflicts.end()
        }
        for pair in record.adverseEvents {
            guard let view = pair.event.view(as: AdverseEventRecorded.self) else { continue }
            adverse.text(id); adverse.text(pair.event.event.id.rawValue); adverse.text(pair.event.event.origin.rawValue); adverse.text(pair.event.event.occurredAt.description)
            adverse.text(view.payload.kind); adverse.text(view.payload.severity); adverse.text(view.payload.after.rawValue)
            adverse.text((pair.technique?.view(as: TechniqueApplied.self)?.payload.technique).flatMap { $0.isEmpty ? nil : $0 })
            adverse.end()
        }
        for row in OutcomeRow.rows(of: record) { row.copy(patient: record.patient, into: &outcomes) }
    }

    /// Streams each table's rows (inside the caller's transaction, whose `search_path` is the hub's schema).
    func insert(on connection: HubConnection, logger: Logger) async throws {
        let tables: [(String, [String], CopyRows)] = [
            ("patients", ["patient", "birth_year", "registered_by", "last_visit", "latest_pain_score", "active_trigger_points", "latent_trigger_points", "event_count"], patients),
            ("pain_scores", ["patient", "event", "origin", "occurred_at", "score", "region", "context", "visit"], pain),
            ("trigger_points", ["patient", "event", "origin", "found_at", "muscle", "side", "status", "resolved", "referral", "visit"], triggers),
            ("techniques", ["patient", "event", "origin", "occurred_at", "technique", "region", "minutes", "visit"], techniques),
            ("visits", ["patient", "event", "origin", "started_at", "ended"], visits),
            ("adverse_events", ["patient", "event", "origin", "occurred_at", "kind", "severity", "after", "technique"], adverse),
            ("conflicts", ["patient", "field", "writes"], conflicts),
            ("outcome_scores", OutcomeRow.columns, outcomes),
        ]
        for (table, columns, rows) in tables { try await connection.copyOrClosed(into: table, columns: columns, rows: rows, logger: logger) }
    }
}
