import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import FHIRExport
import Foundation
import ClinicalFold
import Projections
import EventModel
import EventSync

struct ExportFHIRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "A patient's record as one FHIR R4 Bundle (JSON); or every patient's, one file each.",
        discussion: """
            The Bundle (type collection) holds the Patient; MedicationStatement, Condition and
            Procedure for the history's medications, illnesses and surgeries; social-history
            Observations for occupation (LOINC 11341-5, with the ergonomics) and sports; an
            Encounter per visit (its reason, and the plan at close in its narrative); an
            Observation per pain score (LOINC 72514-3) and per trigger point (muscle and side in
            SNOMED CT where verified, its notes); a Procedure per technique (its notes, needling
            details, acknowledged precautions); a Composition per treatment note (SOAP sections,
            LOINC-coded); a Consent per consent decision (permit or deny, active while it
            stands); a Flag per precaution (active until resolved); an AdverseEvent per adverse
            event (its suspect entity the technique's Procedure); an Observation per measurement
            (UCUM quantity, or Positive/Negative); a Provenance per resource naming author, site
            and source events; and Myolog's CodeSystem for the codes no standard has. Current
            state: corrections applied, retracted entries left out. Ids come from the events:
            exporting twice gives the same. Codes: Schemas/fhir-codes.json.

            Examples:
              myolog export fhir 3f2a9c1b
              myolog export fhir 3f2a9c1b --out mia.fhir.json --as-of 2026-03-03
              myolog export fhir --all --out /srv/exports/2026-11-25
              myolog export fhir --codes | python3 -m json.tool
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var time: TimeTravelOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters (not with --all).", valueName: "patient"), transform: IDReference.init) var patient: IDReference?
    @Flag(help: "Every patient: one file per patient and index.json in the --out directory.") var all = false
    @Option(help: ArgumentHelp("The file to write (one patient, or --codes: a new file, an existing one only with --force) or a new or empty directory (--all).", valueName: "path")) var out: String?
    @Flag(help: "Replace --out if it is an existing regular file.") var force = false
    @Flag(help: "Print the table of every code system and code the export uses (Schemas/fhir-codes.json) and exit.") var codes = false

    func validate() throws {
        if codes {
            guard patient == nil, !all else { throw ValidationError("codes: --codes prints the code table alone; give no patient and no --all") }
            return
        }
        switch (patient, all) {
        case (nil, false): throw ValidationError("patient: give a patient id (or its first 8+ characters), or --all")
        case (_?, true): throw ValidationError("patient: give a patient id or --all, not both")
        case (nil, true) where out == nil: throw ValidationError("out: --all writes one file per patient; give --out DIR")
        default: break
        }
    }

    func run() throws {
        let outURL = out.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
        if let outURL, !all { try AtomicFile.checkTarget(outURL, replacing: force) }  // before anything is read
        if codes {
            let bytes = Array(FHIRCodes.document.canonicalString.utf8) + [UInt8(ascii: "\n")]
            if let outURL { try write(bytes, to: outURL) } else { print(FHIRCodes.document.canonicalString) }
            return
        }
        let user = try global.requireReader()
        let store = try global.openStore()
        let travel = try time.travel(on: global.siteClock(store))
        if all {
            try exportAll(store, travel: travel, to: outURL!, by: user)
            return
        }
        let id = try store.read { try ClinicalQueries($0).resolvePatient(patient!) }
        let bundle = try global.recordedRead(.export, command: "export fhir", patients: [id], in: store, by: user) {
            try store.read { reader -> JSONValue in
                try ClinicalQueries(reader).requireReadable(id)
                guard let bundle = try FHIRPatientBundle.make(patient: id, events: reader.events(patient: id), sites: reader.sites(),
                                                               people: UserDirectory(events: try reader.userEvents()).fold().users, travel: travel) else {
                    throw try NotShown.refusal(id, in: reader)
                }
                return bundle
            }
        }
        let bytes = Array(bundle.canonicalString.utf8) + [UInt8(ascii: "\n")]
        if let outURL {
            try write(bytes, to: outURL)
            if !global.json { print("Wrote a FHIR R4 Bundle of \(bundle.objectValue?["entry"]?.arrayValue?.count ?? 0) resources to \(outURL.path)") }
        } else {
            var output = StandardOutput()
            output.write(bytes)
            output.flush()
        }
    }

    /// One file per patient, streamed: one patient's events in memory at a time. Written into a
    /// hidden directory first and renamed at the end, so a failed export leaves nothing half-done.
    /// The export of all is one access record naming every patient exported (a bulk record, as
    /// BALP's Export pattern allows), committed before the directory appears under its name.
    private func exportAll(_ store: EventStore, travel: TimeTravel, to directory: URL, by user: String) throws {
        let fileManager = FileManager.default
        try AtomicFile.refuseInsideStore(directory)
        if fileManager.fileExists(atPath: directory.path) {
            guard (try? fileManager.contentsOfDirectory(atPath: directory.path))?.isEmpty == true else {
                throw ValidationError("out: \(directory.path) exists and is not an empty directory; give a new or empty directory")
            }
            try fileManager.removeItem(at: directory)
        }
        let partial = directory.deletingLastPathComponent().appendingPathComponent(".\(directory.lastPathComponent).partial-\(getpid())")
        try fileManager.createDirectory(at: partial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let started = Date()
        do {
            var index: [JSONValue] = []
            var exported: [PatientID] = []
            try store.read { reader in
                let sites = try reader.sites()
                let people = UserDirectory(events: try reader.userEvents()).fold().users
                try reader.forEachPatient { patient, events in
                    guard let bundle = try FHIRPatientBundle.make(patient: patient, events: events, sites: sites, people: people, travel: travel) else { return }
                    let file = "\(patient.rawValue).fhir.json"
                    try writeNew(Array(bundle.canonicalString.utf8) + [UInt8(ascii: "\n")], to: partial.appendingPathComponent(file))
                    let name = bundle.objectValue?["entry"]?.arrayValue?.first?.objectValue?["resource"]?.objectValue?["name"]?.arrayValue?.first?.objectValue?["text"] ?? .null
                    exported.append(patient)
                    index.append(["patientId": .string(patient.rawValue), "name": name, "file": .string(file),
                                  "resources": .int(bundle.objectValue?["entry"]?.arrayValue?.count ?? 0)])
                }
            }
            try writeNew(Array(JSONValue.object(["format": "myolog-fhir-export", "fhirVersion": "4.0.1", "patients": .array(index)]).canonicalString.utf8) + [10],
                      to: partial.appendingPathComponent("index.json"))
            try global.record(RecordAccessed(action: .export, command: "export fhir --all", patients: exported, purpose: global.purpose), in: store, by: user)
            try fileManager.moveItem(at: partial, to: directory)
            let seconds = Date().timeIntervalSince(started)
            if global.json {
                print(JSONValue.object(["directory": .string(directory.path), "patients": .int(index.count), "milliseconds": .int(Int(seconds * 1000))]).canonicalString)
            } else {
                print("Exported \(index.count) patients as FHIR R4 Bundles to \(directory.path) in \(String(format: "%.2f", seconds)) s (index.json lists them)")
            }
        } catch {
            try? fileManager.removeItem(at: partial)
            throw error
        }
    }

    /// Writes --out atomically (``AtomicFile``): never a device, a directory or a link.
    private func write(_ bytes: [UInt8], to url: URL) throws {
        try AtomicFile.write(to: url, replacing: force) { try $0.write(contentsOf: bytes) }
    }

    /// A file inside the export's own new directory.
    private func writeNew(_ bytes: [UInt8], to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CommandFailure("out: cannot write \(url.path)")
        }
    }
}
