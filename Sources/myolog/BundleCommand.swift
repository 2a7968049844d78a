import ArgumentParser

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Carry events between sites with no network: export to a file, import it there.",
        discussion: """
            A bundle is a versioned, checksummed file of canonical envelopes. Import checks the
            whole file before writing anything; importing the same bundle twice moves nothing.

            Examples:
              myolog bundle export --out /media/usb/fitzroy.myolog
              myolog bundle export --out delta.myolog --for-clock "$(ssh brunswick myolog id --json | jq -c .clock)"
              myolog bundle import /media/usb/fitzroy.myolog
            """,
        subcommands: [BundleExportCommand.self, BundleImportCommand.self])
}
