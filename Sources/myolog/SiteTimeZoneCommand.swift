import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventModel
import Foundation

struct SiteTimeZoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time-zone",
        abstract: "Show this site's time zone, or change it (an IANA name such as Australia/Melbourne).",
        discussion: """
            Without a zone it prints the zone in force. With one it records the change: from then
            on every screen shows times in it and dates typed are read in it. Stores made before
            zones were recorded use the machine's zone until one is set.

            Examples:
              myolog site time-zone
              myolog --as practice.manager site time-zone Australia/Perth
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new zone: an IANA name (see `myolog site time-zones`).", valueName: "zone"),
              transform: SiteTimeZoneCommand.zone)
    var zone: SiteTimeZoneSet?

    func run() throws {
        guard let zone else {
            let store = try global.openStore()
            let recorded = try store.read { try ClinicalQueries($0).siteTimeZone(of: store.identity.nodeID) }
            let clock = try global.siteClock(store)
            if global.json {
                print(JSONValue.object(["timeZone": .string(clock.identifier), "recorded": .bool(recorded != nil)]).canonicalString)
            } else {
                print(recorded == nil ? "\(clock.identifier) (the machine's: this store has not recorded its zone)" : clock.identifier)
            }
            return
        }
        let author = try global.requireAuthor()
        let envelope = try global.clinicalRecord().write { try $0.setSiteTimeZone(zone.zone, author: author) }
        global.printWritten(envelope, message: "Site time zone set to \(zone.zone):")
    }

    /// A zone typed on the command line: an IANA name, or one line saying what is accepted and
    /// where to find the names.
    @Sendable static func zone(_ text: String) throws -> SiteTimeZoneSet {
        do { return try SiteTimeZoneSet(zone: text) } catch let error as ClinicalError {
            throw ValidationError(error.fact + "; `myolog site time-zones` lists them")
        }
    }
}

struct SiteTimeZonesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time-zones",
        abstract: "List the IANA time zone names a site's zone may be.",
        discussion: """
            Examples:
              myolog site time-zones
              myolog site time-zones australia
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Only names containing this text (any case).", valueName: "text"))
    var containing: String?

    func run() {
        let names = (["UTC"] + TimeZone.knownTimeZoneIdentifiers.filter { $0 != "UTC" }.sorted())
            .filter { name in containing.map { name.localizedCaseInsensitiveContains($0) } ?? true }
        if global.json {
            print(JSONValue.array(names.map { .string($0) }).canonicalString)
        } else {
            for name in names { print(name) }
        }
    }
}
