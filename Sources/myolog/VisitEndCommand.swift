import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct VisitEndCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "end",
        abstract: "End the patient's open visit.",
        discussion: """
            Examples:
              myolog visit end 3f2a9c1b
              myolog visit end 3f2a9c1b --note "Home exercises: chin tucks 3x10"
              myolog visit end 3f2a9c1b --date 2026-11-20T10:45:00+11:00   # a visit recorded afterwards
              myolog visit end 3f2a9c1b --sign   # sign off its entries: later changes are addenda

            --sign signs off the visit's entries as they stand (its start, every entry recorded
            during it, its end): afterwards a correction or retraction of one of them is shown as
            an addendum beside the signed text. A visit with no entries is not signed (nothing
            is written, the visit stays open).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "Closing note: plan, advice, next appointment.") var note: String?
    @Option(help: ArgumentHelp("When it ended, if not now (not before it started).", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?
    @Flag(help: "Sign off the visit's entries: afterwards they change only by addenda.") var sign = false

    func run() throws {
        let author = try global.requireAuthor()
        let (ended, signedOff) = try global.clinicalRecord().write { session -> (EventEnvelope, EventEnvelope?) in
            let ended = try session.endVisit(patient, note: note, date: date, author: author)
            guard sign, case .visitEnded(let end)? = try ClinicalEvent.decode(ended), let patient = ended.patient else { return (ended, nil) }
            return (ended, try session.signOff(end.visit, of: patient, author: author))
        }
        guard let signedOff else { return global.printWritten(ended, message: "Visit ended:") }
        if global.json {
            print(JSONValue.object(["eventId": .string(ended.id.rawValue), "signOffEventId": .string(signedOff.id.rawValue)]).canonicalString)
        } else {
            print("Visit ended: \(ended.id.rawValue)")
            print("Signed off: \(signedOff.id.rawValue)")
        }
    }
}
