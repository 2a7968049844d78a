import ArgumentParser
import ChainHub
import ClinicalEvents
import EventLog
import Foundation

struct HubPatientsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "patients",
        abstract: "List the hub's patients (the same rendering as `myolog patients`).",
        discussion: """
            The patients of the hub's de-identified `myolog.patients` view, their names and dates
            of birth opened from the sealed log on demand (PostgreSQL holds neither), ordered as a
            site orders them. Recorded as
            a bulk access naming every patient listed, before anything is shown.

            Examples:
              myolog --store /srv/hub --as auditor hub patients
              myolog --store /srv/hub --as auditor --json hub patients
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var server: HubOptions

    func run() async throws {
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.seePatientList, in: store)
        let hub = try await Hub.open(store: store, server: try server.resolved(store: store.directory, environment: global.environment))
        do {
            let rows = try await hub.patients()
            try global.record(RecordAccessed(action: .query, command: "hub patients", patients: rows.map(\.patientId), purpose: global.purpose, rows: rows.count), in: store, by: user)
            try await hub.catchUpOwnChain()
            await hub.close()
            try PatientsRendering.print(rows, json: global.json, clock: try global.siteClock(store))
        } catch {
            await hub.close()
            throw error
        }
    }
}
