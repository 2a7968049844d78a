import EventLog

/// The vocabularies as one JSON document: what `Schemas/vocabularies.json` holds and
/// `myolog vocabulary --json` prints, generated from ``Vocabularies`` so the two cannot drift.
public enum VocabularyDocument {
    public static func json(_ vocabularies: [(name: String, vocabulary: Vocabulary)] = Vocabularies.all) -> JSONValue {
        var document: [String: JSONValue] = [:]
        for (name, vocabulary) in vocabularies {
            document[name] = .object([
                "field": .string(vocabulary.field),
                "terms": .array(vocabulary.terms.map { term in
                    var members: [String: JSONValue] = [
                        "id": .string(term.id), "display": .string(term.display), "synonyms": .array(term.synonyms.map(JSONValue.string)),
                    ]
                    if let snomed = term.snomed { members["snomed"] = .string(snomed) }
                    return .object(members)
                }),
            ])
        }
        return .object(document)
    }
}
