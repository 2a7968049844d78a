import ArgumentParser
import EventCrypto
import EventLog
import EventModel
import Foundation

struct UserKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "A person's own signing key: make it, show its public half, rotate it.",
        discussion: """
            `create` makes the key of the --as user in their configuration directory (mode 0600)
            and prints its public half, which a practice manager binds with `user add … --key`.
            `rotate` binds a new key and revokes the old from this point in causal order: with
            no --key, the --as user rotates their own (a new key file, signed in with the old);
            with USER --key PUBLIC, a practice manager binds a key the person made (a lost key).

            Examples:
              myolog user key create --as sam
              myolog user key show --as sam
              myolog user key rotate --as sam
              myolog user key rotate sam --key BASE64 --as alex
            """,
        subcommands: [UserKeyCreateCommand.self, UserKeyShowCommand.self, UserKeyRotateCommand.self])

    /// The key of `user` from its configuration directory, made if absent and `creating`.
    static func ownKey(of user: String, environment: [String: String], creating: Bool) throws -> (key: UserKey, created: Bool) {
        guard UserName.isValid(user) else { throw PeopleError.invalidUserName(user) }
        let path = UserKey.path(for: user, environment: environment)
        do {
            return (try UserKey.read(user: user, at: path), false)
        } catch PeopleError.keyMissing where creating {
            do {
                return (try UserKey.create(user: user, at: path), true)
            } catch PeopleError.keyExists {
                return (try UserKey.read(user: user, at: path), false)  // made meanwhile by another process
            }
        }
    }
}

struct UserKeyCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Make the --as user's key and print its public half.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let user = try global.requireAuthor()
        guard UserName.isValid(user) else { throw PeopleError.invalidUserName(user) }
        let key = try UserKey.create(user: user, at: UserKey.path(for: user, environment: global.environment))
        UserKeyShowCommand.print(key, json: global.json)
    }
}

struct UserKeyShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the public half of the --as user's key.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let (key, _) = try UserKeyCommand.ownKey(of: try global.requireAuthor(), environment: global.environment, creating: false)
        Self.print(key, json: global.json)
    }

    static func print(_ key: UserKey, json: Bool) {
        let publicKey = key.publicKey.base64EncodedString()
        if json {
            Swift.print(JSONValue.object(["user": .string(key.user), "path": .string(key.path), "publicKey": .string(publicKey)]).canonicalString)
        } else {
            Swift.print("\(key.user)'s key at \(key.path); public key (give it to a practice manager): \(publicKey)")
        }
    }
}

struct UserKeyRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Bind a new key to a user and revoke the old one.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Whose key (default: the --as user's own).", valueName: "user"))
    var user: String?

    @Option(help: ArgumentHelp("The new public key (base64), made by the person with `user key create`.", valueName: "base64"))
    var key: String?

    func validate() throws {
        if user != nil, user != global.user, key == nil { throw ValidationError("key: rotating another user's key binds a key they made; give it with --key BASE64") }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let name = user ?? author
        let store = try global.openStore()
        if let key {
            guard let raw = Data(base64Encoded: key) else { throw ValidationError("key: not base64; accepted: the base64 of a 32-byte Ed25519 public key") }
            let envelope = try store.rotateKey(of: name, to: raw, by: author)
            global.printWritten(envelope, message: "Bound a new key to \(name); the old one is revoked from event")
            return
        }
        // Their own: a new key file beside the old, bound while signed in with the old, then
        // put in its place — a crash in between leaves the old key working and the new one unused.
        let current = UserKey.path(for: name, environment: global.environment)
        let next = current + ".new"
        try? FileManager.default.removeItem(atPath: next)
        let fresh = try UserKey.create(user: name, at: next)
        let envelope = try store.rotateKey(of: name, to: fresh.publicKey, by: author)
        guard rename(next, current) == 0 else { throw CommandFailure("user key: the new key is bound but could not replace \(current): move \(next) there by hand") }
        global.printWritten(envelope, message: "Rotated \(name)'s key (\(current)); the old one is revoked from event")
    }
}
