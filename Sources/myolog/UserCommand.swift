import ArgumentParser

struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "The store's people: who may write and read here, in which roles, with which keys.",
        discussion: """
            Every person has a user name, roles and their own Ed25519 key, kept in their OS
            account's configuration directory ($XDG_CONFIG_HOME/myolog/users/NAME.key, mode 0600;
            $MYOLOG_USER_KEY names another path), never in the store. Each event a person writes
            carries their role and their signature beside the node's, so every site — and an
            auditor with Tools/check-log.py — can check who wrote it. Users are events: adding,
            removing and role changes reach every site by sync and apply from their point in
            causal order. A practice manager manages users.

            Examples:
              myolog user key create --as sam                # on Sam's machine: prints the public key
              myolog user add sam --display "Sam Lee" --role therapist --registration "MAA 12345" --key BASE64 --as alex
              myolog user role sam practice-manager --as alex
              myolog user role sam practice-manager --revoke --as alex
              myolog user remove sam --reason "left the practice" --as alex
              myolog user list --json
            """,
        subcommands: [UserListCommand.self, UserAddCommand.self, UserRoleCommand.self, UserRemoveCommand.self, UserKeyCommand.self],
        defaultSubcommand: UserListCommand.self)
}
