import EventLog
import EventModel

/// The CLI's words for a ``Remedy``: the commands and options that do it. The libraries say
/// what is wrong (``Remediable/fact``); only here is a command line spelled.
extension Remedy {
    var commandWords: String {
        switch self {
        case .createStore(let path): "create one with `myolog init --site NAME --store \(path)` or give --store / $MYOLOG_STORE"
        case .chooseAnotherDirectory: "init refuses to overwrite it; choose another --store directory"
        case .verify: "run `myolog verify`"
        case .syncThenVerify: "sync with a peer that holds them, and run `myolog verify`"
        case .restoreOrReEnrol:
            "restore the whole store directory from a backup; if the key is lost, this machine re-enrols as a new node (`myolog init` in a new directory, then sync) and every peer runs `myolog peer remove` for the old node"
        case .openAsOwner: "does it belong to another user? run myolog as the store's owner"
        case .upgrade: "upgrade myolog to open it"
        case .trust(let node, let store):
            "if it is one of the clinic's machines, run `myolog \(store.map { "--store \($0) " } ?? "")peer add \(node) --name NAME` and retry"
        case .askPeerToTrust(let node): "add it there with `myolog peer add \(node) --name NAME` and retry"
        case .listForks: "see `myolog forks`"
        case .listPeers: "see `myolog peer list`"
        case .listPatients: "`myolog log --type PatientRegistered` lists them"
        case .endVisit(let patient): "end it with `myolog visit end \(patient)` first"
        case .startVisit(let patient): "start one with `myolog visit start \(patient)`"
        case .changeDetailsInstead: "correct the entry itself, or use `myolog patient update` for details"
        case .giveAuthor: "give it with --as USER or $MYOLOG_USER"
        case .recordConsent(let patient, let technique):
            "record it with `myolog record consent \(patient) --for \(technique) --form verbal|written --risks \"…\"`"
        case .acknowledgePrecaution: "to go ahead, add --acknowledge-precaution"
        case .registerAsNewPatient: "if it is a different person, add --new-patient"
        case .createUserKey(let user): "create it with `myolog user key create --as \(user)`, then have a practice manager bind it (`myolog user add \(user) … --key PUBLIC`)"
        case .bindUserKey(let user): "have a practice manager bind it (`myolog user key rotate \(user) --key PUBLIC`), or rotate to it yourself with your current key"
        }
    }
}

extension Remediable {
    /// The error as the CLI prints it: what was refused, then the command that helps.
    var commandLineText: String { fact + (remedy.map { "; " + $0.commandWords } ?? "") }
}

extension EventLogError {
    /// Runs `body`, naming a refused `field` as the command's argument (`NODEID`) the person typed.
    static func namingArgument<T>(_ argument: String, for field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EventLogError {
            throw error.renamingField(field, to: argument)
        }
    }

    private func renamingField(_ field: String, to argument: String) -> EventLogError {
        switch self {
        case .invalidField(field, let value, let accepted): .invalidField(field: argument, value: value, accepted: accepted)
        case .remedied(let error, let remedy): .remedied(error.renamingField(field, to: argument), remedy)
        default: self
        }
    }
}
