import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

struct RetentionHoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Place a legal hold: the patient's record is not erased while it stands.",
        discussion: """
            Examples:
              myolog --as practice.manager retention hold 3f2a9c1b --reason "Claim 2031-447 pending"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "Why (a claim, an investigation, a complaint).") var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.placeHold(patient, reason: reason, author: author) }
        global.printWritten(envelope, message: "Legal hold placed:")
    }
}

struct RetentionReleaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release one legal hold, named by its event id.",
        discussion: """
            HOLD is the event `retention hold` printed (or its last 12 characters); a refused
            erasure names the hold that stands. Each hold is released on its own: a patient's other
            holds, placed for other claims, stand until they are released in turn.

            Examples:
              myolog --as practice.manager retention release 0194f3a2-7c1e --reason "Claim settled"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The hold's LegalHoldPlaced event id, or its last 12 characters.", valueName: "hold"), transform: IDReference.init)
    var hold: IDReference
    @Option(help: "Why the hold ends.") var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let released = try global.clinicalRecord().write { try $0.releaseHold(hold, reason: reason, author: author) }
        global.printWritten(released, message: "Legal hold released:")
    }
}
