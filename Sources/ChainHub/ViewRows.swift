import EventCrypto
import EventModel
import EventSync
import ClinicalEvents
import Logging
import PostgresNIO
import ClinicalFold

/// The view tables' rows of a set of records, as columns: one multi-row insert per table.
struct ViewRows {
    var patients: (id: [String], birthYear: [Int], lastVisit: [String], pain: [Int], active: [Int], latent: [Int], events: [Int]) = ([], [], [], [], [], [], [])
    var pain: (patient: [String], event: [String], origin: [String], at: [String], score: [Int], region: [String], context: [String], visit: [String]) = ([], [], [], [], [], [], [], [])
    var triggers: (patient: [String], event: [String], origin: [String], at: [String], muscle: [String], side: [String], status: [String], resolved: [Bool], referral: [String], visit: [String]) = ([], [], [], [], [], [], [], [], [], [])
    var techniques: (patient: [String], event: [String], origin: [String], at: [String], technique: [String], region: [String], minutes: [Int], visit: [String]) = ([], [], [], [], [], [], [], [])
    var visits: (patient: [String], event: [String], origin: [String], at: [String], ended: [Bool]) = ([], [], [], [], [])
    var conflicts: (patient: [String], field: [String], writes: [Int]) = ([], [], [])
    /// Adverse events, with the technique they followed (none when that entry was retracted).
    var adverse: (patient: [String], event: [String], origin: [String], at: [String], kind: [String], severity: [String], after: [String], technique: [String]) =
        ([], [], [], [], [], [], [], [])

    /// The year of a date of birth (`YYYY-MM-DD`), or nil: all the hub's views keep of it.
    static func birthYear(_ dateOfBirth: String?) -> Int? { dateOfBirth.flatMap { Int($0.prefix(4)) } }

    mutating func add(_ record: PatientRecord) {
        let id = record.patient.rawValue
        patients.id.append(id)
        patients.birthYear.append(Self.birthYear(record.details.dateOfBirth) ?? -1)
        patients.lastVisit.append(record.lastVisit?.description ?? "")
        patients.pain.append(record.painScores.last?.view(as: PainScoreRecorded.self)?.payload.score ?? -1)
        patients.active.append(record.activeTriggerPoints.count)
        patients.latent.append(record.latentTriggerPoints.count)
        patients.events.append(record.eventCount)
        for entry in record.painScores {
            guard let view = entry.view(as: PainScoreRecorded.self) else { continue }
            pain.patient.append(id); pain.event.append(entry.event.id.rawValue); pain.origin.append(entry.event.origin.rawValue)
            pain.at.append(entry.event.occurredAt.description); pain.score.append(view.payload.score); pain.region.append(view.payload.region)
            pain.context.append(view.payload.context); pain.visit.append(view.payload.visit?.rawValue ?? "")
        }
        let present = Set((record.activeTriggerPoints + record.latentTriggerPoints).map(\.event.id))
        for entry in record.triggerPoints {
            guard let view = entry.view(as: TriggerPointFound.self) else { continue }
            triggers.patient.append(id); triggers.event.append(entry.event.id.rawValue); triggers.origin.append(entry.event.origin.rawValue)
            triggers.at.append(entry.event.occurredAt.description); triggers.muscle.append(view.payload.muscle); triggers.side.append(view.payload.side)
            triggers.status.append(view.payload.status); triggers.resolved.append(!present.contains(entry.event.id))
            triggers.referral.append(view.payload.referral ?? ""); triggers.visit.append(view.payload.visit?.rawValue ?? "")
        }
        for entry in record.techniques {
            guard let view = entry.view(as: TechniqueApplied.self) else { continue }
            techniques.patient.append(id); techniques.event.append(entry.event.id.rawValue); techniques.origin.append(entry.event.origin.rawValue)
            techniques.at.append(entry.event.occurredAt.description); techniques.technique.append(view.payload.technique)
            techniques.region.append(view.payload.region); techniques.minutes.append(view.payload.minutes ?? -1); techniques.visit.append(view.payload.visit?.rawValue ?? "")
        }
        for entry in record.visits {
            guard let view = entry.view(as: VisitStarted.self) else { continue }
            visits.patient.append(id); visits.event.append(entry.event.id.rawValue); visits.origin.append(entry.event.origin.rawValue)
            visits.at.append(entry.event.occurredAt.description); visits.ended.append(record.endedVisits.contains(entry.event.id))
        }
        for conflict in record.conflicts {
            conflicts.patient.append(id); conflicts.field.append(conflict.field); conflicts.writes.append(conflict.values.count)
        }
        for pair in record.adverseEvents {
            guard let view = pair.event.view(as: AdverseEventRecorded.self) else { continue }
            adverse.patient.append(id); adverse.event.append(pair.event.event.id.rawValue); adverse.origin.append(pair.event.event.origin.rawValue)
            adverse.at.append(pair.event.event.occurredAt.description); adverse.kind.append(view.payload.kind); adverse.severity.append(view.payload.severity)
            adverse.after.append(view.payload.after.rawValue)
            adverse.technique.append(pair.technique?.view(as: TechniqueApplied.self)?.payload.technique ?? "")
        }
    }

    /// Optional columns travel as '' (text) or -1 (numbers) and are stored as NULL.
    func insert(on connection: HubConnection, logger: Logger) async throws {
        let p = patients
        try await connection.queryOrClosed("""
            INSERT INTO myolog.patients (patient, birth_year, registered_by, last_visit, latest_pain_score, active_trigger_points, latent_trigger_points, event_count)
            SELECT i, NULLIF(b, -1), NULL, NULLIF(v, '')::timestamptz, NULLIF(s, -1), a, l, e
            FROM unnest(\(p.id), \(p.birthYear), \(p.lastVisit), \(p.pain), \(p.active), \(p.latent), \(p.events)) AS u(i, b, v, s, a, l, e)
            """, logger: logger)
        if !pain.patient.isEmpty {
            try await connection.queryOrClosed("""
                INSERT INTO myolog.pain_scores (patient, event, origin, occurred_at, score, region, context, visit)
                SELECT p, e, o, t::timestamptz, s, r, c, NULLIF(v, '')
                FROM unnest(\(pain.patient), \(pain.event), \(pain.origin), \(pain.at), \(pain.score), \(pain.region), \(pain.context), \(pain.visit)) AS u(p, e, o, t, s, r, c, v)
                """, logger: logger)
        }
        if !triggers.patient.isEmpty {
            let t = triggers
            try await connection.queryOrClosed("""
                INSERT INTO myolog.trigger_points (patient, event, origin, found_at, muscle, side, status, resolved, referral, visit)
                SELECT p, e, o, f::timestamptz, m, s, st, r, NULLIF(rf, ''), NULLIF(v, '')
                FROM unnest(\(t.patient), \(t.event), \(t.origin), \(t.at), \(t.muscle), \(t.side), \(t.status), \(t.resolved), \(t.referral), \(t.visit)) AS u(p, e, o, f, m, s, st, r, rf, v)
                """, logger: logger)
        }
        if !techniques.patient.isEmpty {
            let t = techniques
            try await connection.queryOrClosed("""
                INSERT INTO myolog.techniques (patient, event, origin, occurred_at, technique, region, minutes, visit)
                SELECT p, e, o, a::timestamptz, t, r, NULLIF(m, -1), NULLIF(v, '')
                FROM unnest(\(t.patient), \(t.event), \(t.origin), \(t.at), \(t.technique), \(t.region), \(t.minutes), \(t.visit)) AS u(p, e, o, a, t, r, m, v)
                """, logger: logger)
        }
        if !visits.patient.isEmpty {
            let v = visits
            try await connection.queryOrClosed("""
                INSERT INTO myolog.visits (patient, event, origin, started_at, ended)
                SELECT p, e, o, a::timestamptz, d FROM unnest(\(v.patient), \(v.event), \(v.origin), \(v.at), \(v.ended)) AS u(p, e, o, a, d)
                """, logger: logger)
        }
        if !adverse.patient.isEmpty {
            let a = adverse
            try await connection.queryOrClosed("""
                INSERT INTO myolog.adverse_events (patient, event, origin, occurred_at, kind, severity, after, technique)
                SELECT p, e, o, t::timestamptz, k, s, af, NULLIF(tq, '')
                FROM unnest(\(a.patient), \(a.event), \(a.origin), \(a.at), \(a.kind), \(a.severity), \(a.after), \(a.technique)) AS u(p, e, o, t, k, s, af, tq)
                """, logger: logger)
        }
        if !conflicts.patient.isEmpty {
            let c = conflicts
            try await connection.queryOrClosed("""
                INSERT INTO myolog.conflicts (patient, field, writes)
                SELECT p, f, w FROM unnest(\(c.patient), \(c.field), \(c.writes)) AS u(p, f, w)
                """, logger: logger)
        }
    }
}
