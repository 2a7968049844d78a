import ArgumentParser
import ClinicalEvents
import EventLog

struct VocabularyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vocabulary",
        abstract: "List the controlled vocabularies (techniques, muscles, regions…).",
        discussion: """
            Shows each canonical term, how it reads, the other spellings accepted and, for
            muscles and sides, the SNOMED CT code where one was verified; for techniques, which
            need the patient's recorded consent and why; for measurement tests, their units (a
            test with none is a special test: positive or negative). With --json, the document
            kept in Schemas/vocabularies.json.

            Examples:
              myolog vocabulary
              myolog vocabulary muscles
              myolog vocabulary techniques
              myolog vocabulary precaution-kinds
              myolog vocabulary --json > Schemas/vocabularies.json
              myolog vocabulary --json-schema > Schemas/terms.schema.json
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("One vocabulary: \(Vocabularies.all.map(\.name).joined(separator: ", ")).", valueName: "name"))
    var name: String?

    @Flag(name: .customLong("json-schema"), help: "Print the canonical terms as a JSON Schema (Schemas/terms.schema.json).")
    var jsonSchema = false

    func validate() throws {
        if let name, !Vocabularies.all.contains(where: { $0.name == name }) {
            throw ValidationError("name: \"\(name)\" is not a vocabulary; accepted: \(Vocabularies.all.map(\.name).joined(separator: ", "))")
        }
    }

    func run() throws {
        if jsonSchema {
            print(VocabularyDocument.termsSchema().canonicalString)
            return
        }
        let chosen = Vocabularies.all.filter { name == nil || $0.name == name }
        if global.json {
            print(VocabularyDocument.json(chosen).canonicalString)
            return
        }
        for (index, entry) in chosen.enumerated() {
            if index > 0 { print("") }
            print("\(entry.name) (field: \(entry.vocabulary.field))")
            for term in entry.vocabulary.terms {
                let also = term.synonyms.isEmpty ? "" : "  also: " + term.synonyms.joined(separator: ", ")
                let code = term.snomed.map { "  SNOMED CT \($0)" } ?? ""
                let units = term.units.isEmpty ? "" : "  units: " + term.units.joined(separator: ", ")
                print("  " + term.id.padded(28) + term.display.padded(28) + code + units + also)
                if let consent = term.consent { print("    needs recorded consent: " + consent) }
            }
        }
    }
}
