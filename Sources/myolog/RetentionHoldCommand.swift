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
        abstract: "Release the patient's legal holds.",
        discussion: """
            Examples:
              myolog --as practice.manager retention release 3f2a9c1b --reason "Claim settled"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "Why the hold ends.") var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let released = try global.clinicalRecord().write { try $0.releaseHolds(patient, reason: reason, author: author) }
        global.printWritten(released.last!, message: "Released \(released.count) legal hold\(released.count == 1 ? "" : "s"):")
    }
}
