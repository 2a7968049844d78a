import ArgumentParser
import EventLog
import Foundation
import EventModel

/// `myolog`: the command line over a Myolog store. A thin shell: every rule lives in the libraries.
@main
struct Myolog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "myolog",
        abstract: "An event-sourced patient record store for myotherapy clinics.",
        discussion: """
            Every change to a patient record is an append-only, hash-chained event in the store's
            SQLite log. Global options may come before or after the subcommand.

            Examples:
              myolog demo                                   # a demo store in a temporary directory
              myolog init --site "Fitzroy" --store ~/clinic
              export MYOLOG_STORE=~/clinic MYOLOG_USER=alex
              myolog patient register --name "Mia Thompson" --dob 1988-04-12
              myolog record pain 3f2a9c1b --score 6 --region neck --context pre
              myolog log --patient 3f2a9c1b --json
            """,
        // Grouped as a clinic uses them, so `myolog --help` reads as a map of the tool.
        groupedSubcommands: [
            CommandGroup(name: "Records", subcommands: [
                PatientCommand.self, VisitCommand.self, RecordCommand.self, ResolveCommand.self, CorrectCommand.self, RetractCommand.self, CosignCommand.self, EraseCommand.self,
            ]),
            CommandGroup(name: "Views", subcommands: [
                PatientsCommand.self, ShowCommand.self, TimelineCommand.self, HistoryCommand.self, ConflictsCommand.self, LogCommand.self,
                QueryCommand.self, VocabularyCommand.self, OutcomeCommand.self, ReportCommand.self, UICommand.self,
            ]),
            CommandGroup(name: "Sync and trust", subcommands: [
                SyncCommand.self, ServeCommand.self, BundleCommand.self, PeerCommand.self, TLSIdentityCommand.self, ForksCommand.self, HubCommand.self,
            ]),
            CommandGroup(name: "Audit and export", subcommands: [VerifyCommand.self, AuditCommand.self, ExportCommand.self, RetentionCommand.self]),
            CommandGroup(name: "Store maintenance", subcommands: [StatusCommand.self, InitCommand.self, UserCommand.self, SiteCommand.self, IdCommand.self, RebuildCommand.self,
                                                               BackupCommand.self, RestoreCommand.self]),
            CommandGroup(name: "Demo", subcommands: [DemoCommand.self]),
        ])

    /// Declared here too so that global options are accepted before the subcommand's name.
    @OptionGroup var global: GlobalOptions

    /// Like ArgumentParser's `main()`, but a refusal is one line on stderr (no usage dump), so
    /// scripts and people see exactly what was wrong.
    static func main() async {
        // A file-size limit (or a filesystem that reports one) must fail the write that hits it
        // — one line, nothing shown — not kill the process with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            // A bare exit status (verify, sync on a fork) has said what it found already.
            // Whatever an error echoes of the input stays one visible line: no terminal escapes,
            // no line breaks, no reordering characters reach the terminal.
            // The libraries say what is wrong; the remedy is said here, in commands and options.
            let said = (error as? any Remediable)?.commandLineText ?? message(for: error)
            var text = (ValueRefusal.rephrased(said) ?? said).split(whereSeparator: \.isNewline).joined(separator: " ")
            // A database error names the failing statement; the user needs the reason, not our SQL.
            if let statement = text.range(of: " - while executing `") { text = String(text[..<statement.lowerBound]) }
            text = VisibleText.escaped(text)
            if !text.isEmpty { FileHandle.standardError.write(Data("myolog: error: \(text)\n".utf8)) }
            Foundation.exit(code.rawValue)
        }
    }
}
