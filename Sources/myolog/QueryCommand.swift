import ArgumentParser
import ClinicalEvents
import EventLog
import Foundation
import EventModel

struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run one read-only SQL statement over the projection tables (and the log).",
        discussion: """
            For scripts and reports. The connection is opened read-only with query_only on: any
            statement that would write is refused and the store is unchanged. One statement only.
            Tables: patient_summary, pain_scores, trigger_points, techniques, history_entries,
            visits, treatment_notes, consents, precautions, adverse_events, measurements,
            field_conflicts (Schemas/projections.md) and the log itself, events.
            Bounded: a statement running longer than --timeout (default 5 s), needing more than
            256 MiB, or building a value over 16 MiB is stopped and refused.

            Examples:
              myolog query "SELECT name, latestPainScore FROM patient_summary ORDER BY name"
              myolog query --csv "SELECT technique, count(*) AS n FROM techniques GROUP BY technique"
              myolog query --json "SELECT muscle, side, count(*) AS n FROM trigger_points WHERE active GROUP BY 1, 2"
              myolog query "SELECT t.technique, count(*) AS n FROM adverse_events a JOIN techniques t ON t.event = a.after GROUP BY 1"
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print CSV (RFC 4180) instead of a table.") var csv = false
    @Option(help: ArgumentHelp("Stop the statement after this many seconds (0.1–600).", valueName: "seconds")) var timeout = 5.0
    @Argument(help: ArgumentHelp("One SQL statement.", valueName: "sql")) var sql: String

    func validate() throws {
        guard (0.1...600).contains(timeout) else {
            throw ValidationError("timeout: \(timeout) is not accepted; accepted: seconds from 0.1 to 600")
        }
    }

    func run() throws {
        // Open (and migrate, rebuild) the store the usual way first, so the tables exist.
        let user = try global.requireReader()
        let store = try global.openStore()
        try global.require(.readClinicalRecords, in: store)
        var limits = ReadOnlyQuery.Limits()
        limits.seconds = timeout
        let query = ReadOnlyQuery(store: store.directory)
        let result = try query.run(sql, limits: limits)
        try global.record(Self.access(sql, result, query: query, in: store, purpose: global.purpose), in: store, by: user)
        var out = StandardOutput()
        if global.json {
            out.write("[")
            for (index, row) in result.rows.enumerated() {
                var writer = CanonicalJSON.Writer()
                writer.appendByte(UInt8(ascii: "{"))
                for (column, value) in zip(result.columns, row).enumerated() {
                    if column > 0 { writer.appendByte(UInt8(ascii: ",")) }
                    writer.writeKey(value.0)
                    Self.write(value.1, to: &writer)
                }
                writer.appendByte(UInt8(ascii: "}"))
                out.write(index == 0 ? "\n" : ",\n")
                out.write(writer.bytes)
            }
            out.write(result.rows.isEmpty ? "]\n" : "\n]\n")
        } else if csv {
            out.write(result.columns.map(Self.csvField).joined(separator: ",") + "\r\n")
            for row in result.rows { out.write(row.map { Self.csvField(Self.text($0)) }.joined(separator: ",") + "\r\n") }
        } else {
            var table = TextTable(result.columns)
            for row in result.rows { table.add(row.map(Self.text)) }
            out.write(table.rendered)
            out.write("(\(result.rows.count) row\(result.rows.count == 1 ? "" : "s"))\n")
        }
        out.flush()
    }

    /// The access a query made (``QueryAttribution``): the patients of its rows when each row is
    /// provably one patient's, else every patient the tables it read could hold. The statement
    /// is kept as its shape (``StatementShape``: literals and unknown names as `?`) with the
    /// shape's hash — never its literals, which may name a patient erased later.
    static func access(_ sql: String, _ result: ReadOnlyQuery.Result, query: ReadOnlyQuery, in store: EventStore,
                       purpose: RecordAccessed.Purpose) throws -> RecordAccessed {
        let shape = StatementShape(sql, identifiers: try query.schemaNames())
        let attribution = try store.read { try QueryAttribution(result, in: $0) }
        let scope = switch attribution.scope {
        case .none: "read no patient table"
        case .rows: "rows attributed by their patient column"
        case .everyPatient: "rows not attributable to patients: recorded as a read of every patient the tables read hold"
        }
        return RecordAccessed(action: .query, command: "query", patients: attribution.patients, purpose: purpose,
                              detail: "statement shape sha256:\(shape.hash); \(scope)", statement: shape.text, rows: result.rows.count)
    }

    static func write(_ value: ReadOnlyQuery.Value, to writer: inout CanonicalJSON.Writer) {
        switch value {
        case .null: writer.append("null")
        case .integer(let int): writer.writeInteger(Int(int))
        case .real(let double): writer.append(double.isFinite ? "\(double)" : "null")
        case .text(let string): writer.writeString(string)
        case .blob(let data): writer.writeString(data.base64EncodedString())
        }
    }

    static func text(_ value: ReadOnlyQuery.Value) -> String {
        switch value {
        case .null: ""
        case .integer(let int): String(int)
        case .real(let double): String(double)
        case .text(let string): string
        case .blob(let data): data.base64EncodedString()
        }
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
