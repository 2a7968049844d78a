import ArgumentParser
import ChainHub
import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import EventModel

struct HubShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a patient's record as the hub holds it (the same rendering as `myolog show`).",
        discussion: """
            Folded from the hub's log with the same fold every store uses: a site and the hub
            holding the same events show the same bytes. Recorded as an access (`myolog audit`),
            in the hub's log, before anything is shown.

            Examples:
              myolog --store /srv/hub --as auditor hub show 3f2a9c1b
              myolog --store /srv/hub --as auditor --json hub show 3f2a9c1b-…
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient")) var patient: String

    func validate() throws {
        guard patient.count >= 8, patient.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            throw ValidationError("patient: \(patient) is not accepted; accepted: a patient id or its first 8+ characters (0-9, a-f, -)")
        }
    }

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.readClinicalRecords, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        do {
            let matches = try await hub.resolvePatient(patient)
            guard matches.count == 1, let id = matches.first else {
                throw ValidationError(matches.isEmpty ? "patient: no patient \(patient) in the hub" : "patient: \(patient) names several patients; give more characters")
            }
            var refusal: (any Error)?
            if let erasure = try await hub.erasure(of: id) {
                refusal = ClinicalQueries.erasedRefusal(id, erasureID: erasure.id, erasure: erasure.event)
            }
            let view = refusal == nil ? try await hub.show(id) : nil
            guard let view else {
                let refused = refusal ?? ValidationError("patient: \(id) is not registered in the hub's log")
                let reason = ((refused as? any Remediable)?.fact ?? "\(refused)").prefix(200)
                try global.record(RecordAccessed(action: .read, command: "hub show", patients: [id], purpose: global.purpose, outcome: .refused, detail: String(reason)), in: store, by: user)
                try await hub.catchUpOwnChain()
                throw refused
            }
            try global.record(RecordAccessed(action: .read, command: "hub show", patients: [id], purpose: global.purpose), in: store, by: user)
            try await hub.catchUpOwnChain()
            await hub.close()
            let clock = try global.siteClock(store)
            print(global.json ? try CanonicalEncoder().string(ShowRendering.Document(view: view, clock: clock)) : ShowRendering.text(view, clock: clock),
                  terminator: global.json ? "\n" : "")
        } catch {
            await hub.close()
            throw error
        }
    }
}
