import ArgumentParser
import ClinicalEvents
import EventLog

struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a patient's record everywhere it syncs: their key is destroyed, their views deleted.",
        discussion: """
            Every payload about a patient is sealed under the patient's own key. Erasing appends a
            PatientErased event (who, when, the basis and reason — no personal data) and destroys
            the key in the same transaction; every store the erasure reaches by sync or bundle
            does the same. The events stay, unreadable, so every chain and signature still
            verifies. What was copied out of Myolog (FHIR exports, printed reports) and backups
            taken before the erasure are beyond its reach.

            Examples:
              myolog --as privacy.officer erase 3f2a9c1b --basis retention --reason "7 years since last visit (HPP 4)"
              myolog --as privacy.officer erase 3f2a9c1b --basis request --reason "Patient's written request of 2033-05-02"
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "The lawful ground for destroying the record.") var basis: PatientErased.Basis
    @Option(help: "Why (kept forever: name no personal data).") var reason: String

    func run() throws {
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.erase(patient, basis: basis, reason: reason, author: author) }
        global.printWritten(envelope, message: "Erased patient \(envelope.patient!.rawValue); erasure event:")
    }
}

extension PatientErased.Basis: ExpressibleByArgument {}
