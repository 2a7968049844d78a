import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import ClinicalFold
import Projections
import AccessAudit
import EventModel
import EventCrypto

/// Options every command accepts, before or after its name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default: $MYOLOG_STORE).", valueName: "dir"))
    var store: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("Who is writing (default: $MYOLOG_USER).", valueName: "user"))
    var author: String?

    @Flag(name: .long, help: "Print JSON for scripts instead of text for people.")
    var json = false

    @Option(help: ArgumentHelp("Why patient data is being read; recorded with every read (HL7 PurposeOfUse).", valueName: "purpose"))
    var purpose: RecordAccessed.Purpose = .treatment

    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The store directory from --store or $MYOLOG_STORE.
    func storeDirectory() throws -> URL {
        guard let path = store ?? environment["MYOLOG_STORE"], !path.isEmpty else {
            throw ValidationError("store: no store given; pass --store DIR or set $MYOLOG_STORE (create one with `myolog init --site NAME --store DIR`)")
        }
        return URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
    }

    /// The read models every store opened by the CLI keeps in step with its log.
    static let projections: [any LogProjection] = [PatientProjection(), AccessProjection()]

    /// `concurrentReads`: for `serve`, reads on connections of their own beside the writer.
    func openStore(concurrentReads: Bool = false) throws -> EventStore {
        let store = try EventStore.open(at: storeDirectory(), projections: Self.projections, concurrentReads: concurrentReads)
        if !store.rebuiltOnOpen.isEmpty {
            FileHandle.standardError.write(Data("myolog: rebuilt the \(store.rebuiltOnOpen.joined(separator: ", ")) projection for this version of myolog\n".utf8))
        }
        try signIn(to: store)
        return store
    }

    /// Signs the person named by --as (or $MYOLOG_USER) in to `store` with their own key, when
    /// the store has people: `--as NAME` without NAME's private key is refused here, before
    /// anything is read or written. A store from before people had keys keeps plain names.
    func signIn(to store: EventStore) throws {
        guard let user, !store.isReadOnly else { return }
        let directory = try store.userDirectory()
        guard !directory.isEmpty else { return }
        guard UserName.isValid(user) else { throw PeopleError.invalidUserName(user) }
        guard let standing = directory.standing(of: user) else { throw PeopleError.unknownUser(user) }
        guard !standing.isRemoved else { throw PeopleError.userRemoved(user) }
        try store.signIn(UserKey.read(user: user, at: UserKey.path(for: user, environment: environment)))
    }

    func createStore(at directory: URL, site: String, author: String) throws -> EventStore {
        try EventStore.create(at: directory, site: site, author: author, projections: Self.projections)
    }

    func clinicalRecord() throws -> ClinicalRecord {
        ClinicalRecord(store: try openStore())
    }

    /// The author from --as or $MYOLOG_USER; checked before anything is opened or written.
    func requireAuthor() throws -> String {
        guard let user else {
            throw ValidationError("author: no author given; pass --as USER or set $MYOLOG_USER (every event records who wrote it)")
        }
        return user
    }

    /// Who is at the keyboard: --as, else $MYOLOG_USER; nil when neither names anyone.
    var user: String? {
        guard let user = author ?? environment["MYOLOG_USER"], !user.isEmpty else { return nil }
        return user
    }

    /// Prints what a writing command made: the new id as the last word (text), or a JSON object.
    func printWritten(_ envelope: EventEnvelope, message: String, includePatient: Bool = false) {
        if json {
            var members: [String: JSONValue] = ["eventId": .string(envelope.id.rawValue)]
            if includePatient, let patient = envelope.patient { members["patientId"] = .string(patient.rawValue) }
            print(JSONValue.object(members).canonicalString)
        } else {
            print("\(message) \(includePatient ? envelope.patient!.rawValue : envelope.id.rawValue)")
        }
    }
}

extension GlobalOptions {
    /// The clock people read this store's times on: its site's time zone, as the store recorded
    /// it (``ClinicalLog/EventStore/siteClock()``); the machine's for a store made before zones
    /// were recorded.
    func siteClock(_ store: EventStore) throws -> SiteClock {
        try store.siteClock()
    }
}
