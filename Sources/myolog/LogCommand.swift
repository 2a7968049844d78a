import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the events in log order.",
        discussion: """
            With --json, one JSON array of full envelopes, streamed (a million events never sit
            in memory at once). Each envelope is canonical JSON; its "hash" is the SHA-256 of the
            envelope without "hash", "signature" and "openedPayload" (Schemas/envelope.schema.json).
            Payloads about patients are stored sealed; "openedPayload" is what this store reads
            with the patient's key (absent without it: not received yet, or erased).

            Without --json, times are the site's (`myolog site time-zone`), each with its offset;
            --json keeps the envelopes' RFC 3339 UTC instants.

            Examples:
              myolog log
              myolog log --patient 3f2a9c1b --json
              myolog log --type PainScoreRecorded --json | jq '.[].openedPayload.score'
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only this patient's events (id or first 8+ characters).", valueName: "patient"), transform: IDReference.init) var patient: IDReference?
    @Option(help: ArgumentHelp("Only events of this type, e.g. PainScoreRecorded.", valueName: "type")) var type: String?

    /// The event types a log can hold: the clinical ones, the node's enrolment, access records.
    static var knownTypes: [String] { [SystemEventType.nodeEnrolled] + ClinicalEvent.payloadTypes.map { $0.eventType } + [RecordAccessed.eventType] }

    func validate() throws {
        if let type, !Self.knownTypes.contains(type) {
            throw ValidationError("type: \"\(type.prefix(60))\" is not accepted; accepted: \(Self.knownTypes.joined(separator: ", "))")
        }
    }

    func run() throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        let json = global.json
        // Whose events are about to be shown, recorded before the first line is printed.
        let (patientID, shown) = try store.read { reader in
            let patientID = try patient.map { try ClinicalQueries(reader).resolvePatient($0) }
            return (patientID, try patientID.map { [$0] } ?? reader.patients(withEventsOf: type.map { [$0] }))
        }
        try global.require(.readClinicalRecords, in: store, reading: patientID.map { [$0] } ?? [], command: "log", by: user)
        try global.record(RecordAccessed(action: patientID == nil ? .query : .read, command: "log", patients: shown, purpose: global.purpose,
                                         detail: type.map { "type \($0)" }), in: store, by: user)
        let clock = try global.siteClock(store)
        try store.read { reader in
            var out = StandardOutput()
            var first = true
            if json { out.write("[") } else { out.write(clock.label() + "\n" + EventLine.header + "\n") }
            try reader.forEachEvent(patient: patientID, types: type.map { [$0] }) { envelope in
                if json {
                    out.write(first ? "\n" : ",\n")
                    out.write(envelope.canonicalBytes(includingHash: true, includingOpenedPayload: true))
                } else {
                    out.write(EventLine.format(envelope, clock: clock) + "\n")
                }
                first = false
            }
            if json { out.write(first ? "]\n" : "\n]\n") }
            out.flush()
        }
    }
}
