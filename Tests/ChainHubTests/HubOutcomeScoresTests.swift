@testable import ChainHub
import ClinicalEvents
import ClinicalFold
import ClinicalLog
import EventLog
import EventModel
import EventSync
import Foundation
import MyologTestSupport
import Testing

/// The outcome scores view (migration v8) against a real PostgreSQL server: folded from the
/// site's record in the batch's transaction, filled by the migration on a hub that held outcome
/// entries before it, checked by `hub verify`, and its technique arrays written by `COPY`
/// exactly as given.
@Suite("Hub: outcome scores (v8)", .serialized)
struct HubOutcomeScoresTests {
    let scratch = TemporaryDirectory("hub-outcome-scores")

    static func at(_ text: String) -> EntryDate { EntryDate(Timestamp(rfc3339: text)!) }

    /// A site trusting and trusted by `hubStore`, with one patient's NDI answer sets: the first
    /// recorded as a reassessment (no baseline was: the first is the baseline), 30 → 20 (−10)
    /// after myofascial release, then a discharge with two items skipped, 8/40 × 50 = 10 (−20).
    func site(trustedBy hubStore: EventStore) throws -> (EventStore, PatientID) {
        let site = try EventStore.create(at: scratch.url("carlton"), site: "Carlton", author: "alex")
        try hubStore.trustPeer(site.identity.nodeID, name: "Carlton", author: "test")
        try site.trustPeer(hubStore.identity.nodeID, name: "Hub", author: "alex")
        let patient = try ClinicalRecord(store: site).write { s in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "alex").patient!
            let p = try IDReference(patient.rawValue)
            try s.recordOutcome(p, instrument: "ndi", answers: Array(repeating: 3, count: 10), context: "reassessment", date: Self.at("2026-09-01T10:00:00Z"), author: "alex")
            try s.recordTechnique(p, technique: "myofascial release", region: "neck", date: Self.at("2026-09-01T10:20:00Z"), author: "alex")
            try s.recordOutcome(p, instrument: "ndi", answers: Array(repeating: 2, count: 10), context: "reassessment", date: Self.at("2026-09-29T10:00:00Z"), author: "alex")
            try s.recordOutcome(p, instrument: "ndi", answers: Array(repeating: 1, count: 8) + [nil, nil], context: "discharge", date: Self.at("2026-10-27T10:00:00Z"),
                                author: "alex")
            return patient
        }
        return (site, patient)
    }

    @Test("a PSFS episode whose latest answer set names other activities is not judged (show says 'not compared'), not judged on an earlier reassessment either")
    func psfsNotCompared() throws {
        let store = try EventStore.create(at: scratch.url("psfs"), site: "Carlton", author: "alex")
        func psfs(_ ratings: [(String, Int)]) -> [RatedActivity] { ratings.map { RatedActivity(name: $0.0, rating: $0.1) } }
        let patient = try ClinicalRecord(store: store).write { s in
            let patient = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12"), author: "alex").patient!
            let p = try IDReference(patient.rawValue)
            try s.recordOutcome(p, instrument: "psfs", answers: [], activities: psfs([("A", 2), ("B", 2)]), context: "baseline", date: Self.at("2026-09-01T10:00:00Z"), author: "alex")
            try s.recordOutcome(p, instrument: "psfs", answers: [], activities: psfs([("A", 6), ("B", 6)]), context: "reassessment", date: Self.at("2026-09-15T10:00:00Z"), author: "alex")
            return patient
        }
        var record = try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }
        #expect(OutcomeRow.rows(of: record).map(\.episodeEnd) == [false, true], "same activities: judged at the reassessment")
        try ClinicalRecord(store: store).write { s in
            try s.recordOutcome(try IDReference(patient.rawValue), instrument: "psfs", answers: [], activities: psfs([("A", 7), ("C", 9)]), context: "reassessment",
                                date: Self.at("2026-09-29T10:00:00Z"), author: "alex")
        }
        record = try store.read { try PatientFold.fold(patient, events: $0.events(patient: patient)) }
        let rows = OutcomeRow.rows(of: record)
        #expect(rows.map(\.episodeEnd) == [false, false, false] && rows.last?.change == nil, "\(rows.map(\.episodeEnd))")
    }

    func rows(_ cluster: PostgresCluster) throws -> String {
        try cluster.psql("SELECT context, occurred_on, score, change, mcid_reached, episode_end, techniques, therapist FROM myolog.outcome_scores ORDER BY occurred_on")
    }

    @Test("a site's answer sets reach the hub as the fold's rows; a hub made before v8 with outcome entries in its log opens migrated with every view folded again; hub verify compares the rows with the fold; an instrument version learnt since the rows were folded is folded at open")
    func foldedAndMigrated() async throws {
        let cluster = try PostgresCluster()
        let hubStore = try EventStore.create(at: scratch.url("hub"), site: "Hub", author: "test")
        let server = try HubServer.resolve(url: cluster.url(), environment: [:])
        let (site, _) = try site(trustedBy: hubStore)
        let hub = try await Hub.initialise(store: hubStore, server: server)
        _ = try await LogExchange.sync(site, with: hub)
        await hub.close()
        let expected = """
            reassessment|2026-09-01|30.0|||f|{}|alex
            reassessment|2026-09-29|20.0|-10.0|t|f|{myofascial-release}|alex
            discharge|2026-10-27|10.0|-20.0|t|t|{myofascial-release}|alex
            """
        #expect(try rows(cluster) == expected)
        #expect(try cluster.psql("SELECT string_agg(instrument || ' v' || version, ',') FROM myolog.outcome_instruments WHERE instrument = 'ndi'") == "ndi v1")

        // Back to the schema v7 left, its views emptied as a crash before the refold would leave them.
        try cluster.psql("DROP TABLE myolog.outcome_scores; DROP TABLE myolog.outcome_instruments; DELETE FROM myolog.patients; DELETE FROM myolog.techniques; DELETE FROM myolog.migrations WHERE name = '\(HubSchema.outcomeScores)'")
        let reopened = try await Hub.open(store: hubStore, server: server)
        #expect(try cluster.psql("SELECT string_agg(name, ',' ORDER BY name) FROM myolog.migrations") == HubSchema.migrations.map(\.name).sorted().joined(separator: ","))
        #expect(try rows(cluster) == expected)
        #expect(try cluster.psql("SELECT count(*) || ' ' || (SELECT count(*) FROM myolog.techniques) FROM myolog.patients") == "1 1")
        let verified = try await reopened.verify()
        #expect(verified.patientsChecked == 1)

        // A row that differs from the fold, or one the fold lacks, fails hub verify.
        try cluster.psql("UPDATE myolog.outcome_scores SET change = -12.0 WHERE context = 'discharge'")
        await #expect(throws: HubError.self) { _ = try await reopened.verify() }
        try cluster.psql("UPDATE myolog.outcome_scores SET change = -20.0 WHERE context = 'discharge'")
        _ = try await reopened.verify()
        try cluster.psql("""
            INSERT INTO myolog.outcome_scores SELECT patient, '\(EventID.make().rawValue)', origin, therapist, instrument, version, context, occurred_on, score, band,
                baseline, change, mcid_reached, episode_end, techniques FROM myolog.outcome_scores WHERE context = 'discharge'
            """)
        await #expect(throws: HubError.self) { _ = try await reopened.verify() }
        await reopened.close()

        // A Myolog that learnt an instrument version since the rows were folded (as a hub
        // upgraded after a site on a newer Myolog recorded answers to it) folds its answer sets
        // at open: here, a hub whose rows were folded knowing no version at all.
        try cluster.psql("DELETE FROM myolog.outcome_scores; DELETE FROM myolog.outcome_instruments")
        let upgraded = try await Hub.open(store: hubStore, server: server)
        #expect(try rows(cluster) == expected)
        #expect(try cluster.psql("SELECT string_agg(instrument || ' v' || version, ',' ORDER BY instrument, version) FROM myolog.outcome_instruments")
                == Instruments.all.map(\.reference).sorted().joined(separator: ","))
        _ = try await upgraded.verify()
        await upgraded.close()

        // A version a newer Myolog listed that this one does not know is struck at open, so the
        // newer one, run again, refolds (this one's refolds drop such rows).
        try cluster.psql("INSERT INTO myolog.outcome_instruments (instrument, version) VALUES ('ndi', 99)")
        let older = try await Hub.open(store: hubStore, server: server)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.outcome_instruments WHERE version = 99") == "0")
        #expect(try cluster.psql("SELECT string_agg(instrument || ' v' || version, ',' ORDER BY instrument, version) FROM myolog.outcome_instruments")
                == Instruments.all.map(\.reference).sorted().joined(separator: ","))
        await older.close()
    }

    @Test("a text[] for COPY reads back as given: commas, braces, quotes, backslashes, tabs, newlines, non-ASCII, NULL and the empty string, and the empty array")
    func textArrays() throws {
        let cluster = try PostgresCluster()
        let values: [[String]] = [[], ["dry-needling"], ["a,b", "{c}", "say \"hi\"", "back\\slash", "tab\there", "new\nline", "Ŝ ✓", "NULL", ""]]
        for array in values {
            var rows = CopyRows()
            rows.textArray(array)
            // The field as the server reads it from COPY's text format (its escapes undone):
            // the array literal PostgreSQL then parses.
            let field = String(decoding: rows.buffer.readableBytesView, as: UTF8.self)
            #expect(!field.contains("\t") && !field.contains("\n"), "no raw tab or newline ends COPY's field or row early: \(field)")
            var literal = "", escaped = false
            for character in field {
                if escaped {
                    literal.append(character == "t" ? "\t" : character == "n" ? "\n" : character == "r" ? "\r" : character)
                    escaped = false
                } else if character == "\\" { escaped = true } else { literal.append(character) }
            }
            func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
            let expected = array.isEmpty ? "ARRAY[]::text[]" : "ARRAY[" + array.map(quoted).joined(separator: ",") + "]::text[]"
            #expect(try cluster.psql("SELECT \(quoted(literal))::text[] = \(expected)") == "t", "\(array) → \(literal)")
        }
    }
}
