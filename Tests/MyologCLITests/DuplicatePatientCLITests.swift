import Foundation
import GRDB
import MyologTestSupport
import Testing

/// The duplicate-patient check against the spellings an attack on its first version got past:
/// full-width letters, punctuation, word order, and a `patient update` that makes two records
/// one name and date of birth. Each refusal is one line naming the patient already registered,
/// a non-zero exit, and the log unchanged; `--new-patient` says it is someone else.
@Suite("Duplicate patients, however the name is typed")
struct DuplicatePatientCLITests {
    let scratch = TemporaryDirectory("duplicates")

    func run(_ store: String, _ arguments: [String]) throws -> MyologProcess.Result {
        try MyologProcess.run(["--store", store, "--as", "frontdesk"] + arguments)
    }

    func events(_ store: String) throws -> [String] {
        try DatabaseQueue(path: store + "/myolog.sqlite").read { try String.fetchAll($0, sql: "SELECT hash FROM events ORDER BY position") }
    }

    func refused(_ store: String, _ arguments: [String], naming existing: String) throws {
        let before = try events(store)
        let result = try run(store, arguments)
        #expect(result.status != 0, "\(arguments) was accepted")
        #expect(result.stderr.hasPrefix("myolog: error: patient: ") && result.stderr.contains("already registered here as \(existing)"), "\(result.stderr)")
        #expect(result.stderr.contains("--new-patient"), "the way to say it is someone else: \(result.stderr)")
        #expect(try events(store) == before, "\(arguments) wrote")
    }

    @Test("full-width letters, punctuation and word order are one name; an update that makes a double is refused too")
    func spellings() throws {
        let store = scratch.path("clinic")
        #expect(try run(store, ["init", "--site", "Fitzroy", "--time-zone", "Australia/Melbourne"]).status == 0)
        let mia = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1988-04-12"]).lastWord
        for spelling in ["\u{FF2D}ia Thompson", "Mia.Thompson", "Mia Thompson-", "Thompson, Mia", "MIA   thompson"] {
            try refused(store, ["patient", "register", "--name", spelling, "--dob", "1988-04-12"], naming: mia)
        }
        // Another date of birth is another person; then an update that would make them Mia's double.
        let other = try run(store, ["patient", "register", "--name", "Mia Thompson", "--dob", "1999-09-09"]).lastWord
        try refused(store, ["patient", "update", other, "--dob", "1988-04-12"], naming: mia)
        let zed = try run(store, ["patient", "register", "--name", "Zed Zed", "--dob", "1988-04-12"]).lastWord
        try refused(store, ["patient", "update", zed, "--name", "Mia Thompson"], naming: mia)
        // A patient's own details, changed, are not their own double.
        #expect(try run(store, ["patient", "update", mia, "--name", "Mia Thompson", "--phone", "03 9555 0101"]).status == 0)
        // Said to be someone else, it is written.
        #expect(try run(store, ["patient", "update", zed, "--name", "Mia Thompson", "--new-patient"]).status == 0)
    }
}
