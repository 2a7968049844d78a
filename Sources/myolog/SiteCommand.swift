import ArgumentParser

struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "This site's own settings: its time zone.",
        discussion: """
            A site's time zone is the clock its people read every time on and type dates in
            (`--date 2026-11-27 09:10`). It is an event: it syncs to every site, so a hub or an
            auditor can read each site's zone, but it sets only the zone of the store that
            records it.

            Examples:
              myolog site time-zone
              myolog --as practice.manager site time-zone Pacific/Auckland
              myolog site time-zones Australia
            """,
        subcommands: [SiteTimeZoneCommand.self, SiteTimeZonesCommand.self, SiteLateEntryCommand.self])
}
