import AccessAudit
import ArgumentParser
import EventLog
import FHIRExport
import Foundation
import EventModel

struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the access log for other audit tooling.",
        subcommands: [AuditExportFHIRCommand.self],
        defaultSubcommand: AuditExportFHIRCommand.self)
}

struct AuditExportFHIRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "The accesses as FHIR R4 AuditEvent resources (IHE BALP patterns), one Bundle in DIR/audit-events.json.",
        discussion: """
            One AuditEvent per access (its id the access event's id): type and action by pattern
            (read: DICOM 110110 Patient Record, R; query: 110112 Query, E, with the statement;
            export, report, disclosure: 110106 Export, R), recorded, outcome, purposeOfEvent
            (HL7 v3 PurposeOfUse), the user and the node as agents (a disclosure's receiving node
            as a destination), the node as source observer, each patient as an entity.

            Example:
              myolog audit export fhir --since 2026-03-01 --out audit-2026-03
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filter: AuditFilterOptions
    @Option(help: ArgumentHelp("A new or empty directory to write into.", valueName: "dir")) var out: String

    func run() throws {
        let directory = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        let manager = FileManager.default
        try AtomicFile.refuseInsideStore(directory)
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try? manager.contentsOfDirectory(atPath: directory.path))?.isEmpty == true else {
                throw ValidationError("out: \(directory.path) exists and is not an empty directory; give a new or empty directory")
            }
        } else {
            guard manager.fileExists(atPath: directory.deletingLastPathComponent().path) else {
                throw ValidationError("out: \(directory.deletingLastPathComponent().path) does not exist; give a directory inside an existing one")
            }
        }
        let store = try global.openStore()
        try global.require(.reviewAccess, in: store)
        let clock = try global.siteClock(store)
        let entries = try store.read { reader in try AccessLog(reader).entries(try filter.filter(in: reader, clock: clock)) }
        let bundle = FHIRAuditEventBundle.make(entries)
        try manager.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let file = directory.appendingPathComponent("audit-events.json")
        try AtomicFile.write(to: file, replacing: false) { try $0.write(contentsOf: Array(bundle.canonicalString.utf8) + [10]) }
        let count = bundle.objectValue?["entry"]?.arrayValue?.count ?? 0
        if global.json {
            print(JSONValue.object(["file": .string(file.path), "auditEvents": .int(count)]).canonicalString)
        } else {
            print("Wrote \(count) AuditEvent resource\(count == 1 ? "" : "s") to \(file.path)")
        }
    }
}
