import AccessAudit
import ArgumentParser
import EventLog
import EventModel

struct AuditListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List accesses to patient data, oldest first (one line per patient an access covered).",
        discussion: """
            --json prints the entries as a JSON array (Schemas/views/audit.schema.json); --csv as
            RFC 4180 CSV with a header. Stores holding the same events print the same bytes. The
            table shows times on the site's clock (`myolog site time-zone`) with their offset;
            --json and --csv keep RFC 3339 UTC instants. --since and --until take a day, a local
            time (2026-03-03 09:15) or an instant.

            Examples:
              myolog audit --patient 3f2a9c1b
              myolog audit --user alex --since 2026-03-01 --until 2026-03-31 --csv
              myolog audit --action export --json
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filter: AuditFilterOptions
    @Flag(help: "Print CSV (RFC 4180) instead of a table.") var csv = false

    func validate() throws {
        if csv && global.json { throw ValidationError("csv: give --csv or --json, not both") }
    }

    static let columns = ["at", "user", "role", "site", "node", "action", "command", "patient", "purpose", "outcome", "detail", "rows", "peer", "event"]

    func run() throws {
        let store = try global.openStore()
        let clock = try global.siteClock(store)
        let entries = try store.read { reader in try AccessLog(reader).entries(try filter.filter(in: reader, clock: clock)) }
        var out = StandardOutput()
        if global.json {
            out.write(try CanonicalEncoder().string(entries) + "\n")
        } else if csv {
            out.write(Self.columns.joined(separator: ",") + "\r\n")
            for entry in entries { out.write(Self.fields(entry).map(QueryCommand.csvField).joined(separator: ",") + "\r\n") }
        } else {
            out.write(clock.label() + "\n")
            var table = TextTable(["AT", "USER", "ROLE", "SITE", "ACTION", "COMMAND", "PATIENT", "PURPOSE", "OUTCOME"])
            for entry in entries {
                // A record from before people had keys names a user no signature vouches for.
                table.add([clock.minuteWithOffset(entry.at), entry.user, entry.role ?? "unverified", entry.site ?? entry.node.rawValue, entry.action.rawValue, entry.command,
                           entry.patient.map { String($0.rawValue.prefix(8)) } ?? "(\(entry.rows ?? 0) rows)", entry.purpose.rawValue, entry.outcome.rawValue])
            }
            out.write(table.rendered)
            out.write("\(entries.count) access\(entries.count == 1 ? "" : "es")\n")
        }
        out.flush()
    }

    static func fields(_ entry: AccessEntry) -> [String] {
        [entry.at.description, entry.user, entry.role ?? "", entry.site ?? "", entry.node.rawValue, entry.action.rawValue, entry.command, entry.patient?.rawValue ?? "",
         entry.purpose.rawValue, entry.outcome.rawValue, [entry.detail, entry.statement].compactMap { $0 }.joined(separator: "; "),
         entry.rows.map(String.init) ?? "", entry.peer?.rawValue ?? "", entry.event.rawValue]
    }
}
