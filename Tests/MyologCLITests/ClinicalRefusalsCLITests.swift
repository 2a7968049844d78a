import GRDB
import EventLog
import Foundation
import Testing
import MyologTestSupport
import EventModel

/// Clinical input that used to slip through or be refused for the wrong reason, and the way out
/// of a mistaken registration.
@Suite("Clinical refusals and withdrawn registrations")
struct ClinicalRefusalsCLITests {
    let scratch = TemporaryDirectory("cli")

    func store() throws -> String {
        let store = scratch.path("clinic")
        #expect(try MyologProcess.run(["--store", store, "init", "--site", "Clinic"]).status == 0)
        return store
    }

    func register(_ store: String, _ name: String, dob: String, _ options: [String] = []) throws -> String {
        let result = try MyologProcess.run(["--store", store, "--as", "jo", "patient", "register", "--name", name, "--dob", dob] + options)
        #expect(result.status == 0, "\(result.stderr)")
        return result.lastWord
    }

    /// Read with SQLite itself: `log` would record its own access.
    func eventCount(_ store: String) throws -> Int {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
    }

    @Test("refused in one line naming the field, with the right exit code, nothing written", arguments: [
        (["record", "pain", "$P", "--score", "-1", "--region", "neck"], "score:", Int32(64)),  // malformed where it is read: a usage error
        (["record", "pain", "$P", "--score", "3", "--region", "neck", "--date", "1950-05-01"], "date of birth (1954-02-03)", Int32(1)),
        (["record", "pain", "$P", "--score", "3", "--region", "neck", "--date", "1899-12-31"], "from 1900-01-01", Int32(1)),
        (["visit", "start", "$P", "--date", "1953-01-01"], "date of birth", Int32(1)),
        (["log", "--type", "Bogus"], "PainScoreRecorded", Int32(64)),
        (["bundle", "import", "$DIR"], "is not a file", Int32(1)),
        (["patients", "--search", String(repeating: "x", count: 5000)], "search:", Int32(64)),
    ])
    func refusals(_ arguments: [String], _ expected: String, _ status: Int32) throws {
        let store = try store()
        let patient = try register(store, "Ruth Nguyen", dob: "1954-02-03")
        let before = try eventCount(store)
        let resolved = arguments.map { $0 == "$P" ? patient : $0 == "$DIR" ? scratch.url.path : $0 }
        let result = try MyologProcess.run(["--store", store, "--as", "sam"] + resolved)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(expected) && result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        #expect(try eventCount(store) == before)
    }

    @Test("vocabularies are typed where they are read: --help lists the terms, a refusal lists them whole (hyphens kept), synonyms parse")
    func typedVocabulary() throws {
        let help = try MyologProcess.run(["record", "trigger-point", "--help"])
        #expect(help.stdout.contains("(values: left, right, bilateral)"), "\(help.stdout)")
        #expect(help.stdout.contains("upper-trapezius"))
        let store = try store()
        let patient = try register(store, "Ruth Nguyen", dob: "1954-02-03")
        let before = try eventCount(store)
        let refused = try MyologProcess.run(["--store", store, "--as", "sam", "record", "trigger-point", patient, "--muscle", "bicep femoris", "--side", "left"])
        #expect(refused.status == 64)
        #expect(refused.stderr.hasPrefix("myolog: error: muscle: \"bicep femoris\" is not accepted; accepted: upper-trapezius, middle-trapezius,"), "\(refused.stderr)")
        #expect(refused.stderr.contains(", plantar-intrinsics\n") && refused.stderr.split(separator: "\n").count == 1)
        let few = try MyologProcess.run(["--store", store, "--as", "sam", "record", "trigger-point", patient, "--muscle", "QL", "--side", "middle"])
        #expect(few.stderr == "myolog: error: side: \"middle\" is not accepted; accepted: left, right, bilateral\n", "\(few.stderr)")
        #expect(try eventCount(store) == before)
        let synonym = try MyologProcess.run(["--store", store, "--as", "sam", "--json", "record", "trigger-point", patient, "--muscle", "QL", "--side", "R", "--status", "Latent"])
        #expect(synonym.status == 0, "\(synonym.stderr)")
        let log = try MyologProcess.run(["--store", store, "log", "--json", "--type", "TriggerPointFound"]).stdout
        #expect(log.contains(#""muscle":"quadratus-lumborum""#) && log.contains(#""side":"right""#) && log.contains(#""status":"latent""#))
    }

    @Test("dates before 1970 (but after birth) are history, not 'the future'; a visit recorded afterwards ends when it ended, never before it started")
    func pastDates() throws {
        let store = try store()
        let patient = try register(store, "Ruth Nguyen", dob: "1954-02-03")
        #expect(try MyologProcess.run(["--store", store, "--as", "sam", "record", "pain", patient, "--score", "4", "--region", "lower-back", "--date", "1969-05-01"]).status == 0)
        #expect(try MyologProcess.run(["--store", store, "--as", "sam", "visit", "start", patient, "--date", "2026-03-03T09:00:00Z"]).status == 0)
        let before = try eventCount(store)
        let early = try MyologProcess.run(["--store", store, "--as", "sam", "visit", "end", patient, "--date", "2026-03-03T08:59:00Z"])
        #expect(early.status == 1 && early.stderr.contains("date:") && early.stderr.contains("visit's start"), "\(early.stderr)")
        #expect(try eventCount(store) == before)
        #expect(try MyologProcess.run(["--store", store, "--as", "sam", "visit", "end", patient, "--date", "2026-03-03T09:45:00Z"]).status == 0)
        let log = try JSONParser.parse(try MyologProcess.run(["--store", store, "log", "--json", "--type", "VisitEnded"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
        #expect(log.first?.objectValue?["occurredAt"] == .string("2026-03-03T09:45:00.000Z"))
    }

    @Test("a mistaken registration with no entries is withdrawn by retracting it: it leaves the views, writes to it are refused, one with entries is not withdrawn")
    func withdrawnRegistration() throws {
        let store = try store()
        let kept = try register(store, "Mia Thompson", dob: "1988-04-12")
        let duplicate = try register(store, "Mia Thompson", dob: "1988-04-12", ["--new-patient"])  // registered twice at the front desk
        #expect(try MyologProcess.run(["--store", store, "--as", "sam", "record", "pain", kept, "--score", "5", "--region", "neck"]).status == 0)
        func registration(_ patient: String) throws -> String {
            let log = try MyologProcess.run(["--store", store, "log", "--json", "--patient", patient, "--type", "PatientRegistered"]).stdout
            return try #require(JSONParser.parse(log.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["id"]?.stringValue)
        }
        let inUse = try MyologProcess.run(["--store", store, "--as", "jo", "retract", registration(kept), "--reason", "duplicate"])
        #expect(inUse.status == 1 && inUse.stderr.contains("1 clinical entry") && inUse.stderr.contains("retract the other's entries first"), "\(inUse.stderr)")
        let withdrawn = try MyologProcess.run(["--store", store, "--as", "jo", "retract", registration(duplicate), "--reason", "registered twice at the front desk"])
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        let patients = try JSONParser.parse(try MyologProcess.run(["--store", store, "patients", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest
        #expect(patients.compactMap { $0.objectValue?["patientId"]?.stringValue } == [kept])
        let before = try eventCount(store)
        let write = try MyologProcess.run(["--store", store, "--as", "sam", "record", "pain", duplicate, "--score", "5", "--region", "neck"])
        #expect(write.status == 1 && write.stderr.contains("registration was withdrawn"), "\(write.stderr)")
        let show = try MyologProcess.run(["--store", store, "show", duplicate])
        #expect(show.status == 1 && show.stderr.contains("registration was withdrawn"), "\(show.stderr)")
        // The refused write wrote nothing; the refused read of an identified patient is recorded as refused.
        #expect(try eventCount(store) == before + 1)
        let refused = try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchOne($0, sql: "SELECT payload FROM events ORDER BY position DESC LIMIT 1") }
        #expect(refused?.contains(#""outcome":"refused""#) == true && refused?.contains(duplicate) == true, "\(refused ?? "")")
        #expect(try MyologProcess.run(["--store", store, "verify"]).status == 0)
    }

    @Test("a withdrawal that crosses a clinical entry written elsewhere keeps the patient, identically at both sites")
    func concurrentWithdrawal() throws {
        let a = scratch.path("a"), b = scratch.path("b")
        #expect(try MyologProcess.run(["--store", a, "init", "--site", "A"]).status == 0)
        #expect(try MyologProcess.run(["--store", b, "init", "--site", "B"]).status == 0)
        try MyologProcess.trustEachOther(a, b)
        let patient = try register(a, "Noah Walsh", dob: "1979-02-03")
        #expect(try MyologProcess.run(["--store", a, "sync", b]).status == 0)
        let log = try MyologProcess.run(["--store", a, "log", "--json", "--patient", patient]).stdout
        let registration = try #require(JSONParser.parse(log.trimmingCharacters(in: .whitespacesAndNewlines)).arrayValueForTest.first?.objectValue?["id"]?.stringValue)
        #expect(try MyologProcess.run(["--store", a, "--as", "jo", "retract", registration, "--reason", "duplicate"]).status == 0)
        #expect(try MyologProcess.run(["--store", b, "--as", "sam", "record", "pain", patient, "--score", "6", "--region", "hip"]).status == 0)
        #expect(try MyologProcess.run(["--store", a, "sync", b]).status == 0)
        let showA = try MyologProcess.run(["--store", a, "show", patient, "--json"]), showB = try MyologProcess.run(["--store", b, "show", patient, "--json"])
        #expect(showA.status == 0 && showA.stdout == showB.stdout, "\(showA.stderr)")
        #expect(showA.stdout.contains("Noah Walsh"))
    }
}
