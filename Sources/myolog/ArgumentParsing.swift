import ArgumentParser
import ClinicalEvents
import EventLog
import EventModel

// Values parsed where ArgumentParser reads them, each refused in the project's one-line form
// (`FIELD: VALUE is not accepted; accepted: …`, which ``ValueRefusal`` passes through as is).
//
// Open-ended values (patient and event references, scores, minutes, dates) are read by their
// own throwing initialisers as the option's `transform` (`transform: PainScore.init`):
// ArgumentParser's `init?(argument:)` can only say "invalid", and a refusal must say what is
// accepted. Closed vocabularies are `ExpressibleByArgument` (below), so `--help` lists them.

extension NodeID {
    /// A node id argument named `field`; `printedBy` names the command that shows the id to copy.
    static func argument(field: String = "NODEID", printedBy command: String) -> @Sendable (String) throws -> NodeID {
        { text in
            guard let node = NodeID(text) else {
                throw ValidationError("\(field): \(text) is not accepted; accepted: a node id as \(command) prints it (16 characters a–z, 2–7)")
            }
            return node
        }
    }
}

// A closed vocabulary is an enumeration to ArgumentParser: `--help` lists its terms, and a
// refusal lists them too (rephrased by ``ValueRefusal``). Any spelling the vocabulary accepts
// (`QL`, `Upper Trapezius`) parses; the canonical term is what the library receives.
extension VocabularyTerm: ExpressibleByArgument {
    public init?(argument: String) { try? self.init(parsing: argument) }
    public static var allValueStrings: [String] { allCases.map(\.id) }
    public var defaultValueDescription: String { id }
}

extension RecordAccessed.Purpose: ExpressibleByArgument {}
extension RecordAccessed.Action: ExpressibleByArgument {}
