import ArgumentParser
import EventLog

// Values parsed where ArgumentParser reads them, each refused in the project's one-line form
// (`FIELD: VALUE is not accepted; accepted: …`, which ``ValueRefusal`` passes through as is).

extension NodeID {
    /// A `NODEID` argument; `printedBy` names the command that shows the id to copy.
    static func argument(printedBy command: String) -> @Sendable (String) throws -> NodeID {
        { text in
            guard let node = NodeID(text) else {
                throw ValidationError("NODEID: \(text) is not accepted; accepted: a node id as \(command) prints it (16 characters a–z, 2–7)")
            }
            return node
        }
    }
}
