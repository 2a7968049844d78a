import EventModel

/// One term of a controlled vocabulary: the canonical term that is stored, how it reads, the
/// other spellings accepted for it, and a SNOMED CT code where one was verified.
public struct Term: Sendable, Hashable {
    /// Stored in payloads: lower-case words joined by hyphens (`upper-trapezius`).
    public let id: String
    public let display: String
    public let synonyms: [String]
    /// SNOMED CT concept id, only where checked against a published source (see `Schemas/vocabularies.json`).
    public let snomed: String?
    /// For a technique: why it is not applied without the patient's recorded informed consent
    /// (the risks, and the source that asks for it). Nil: no recorded consent is asked for.
    public let consent: String?
    /// For a measurement test: the units its value may be taken in, the usual one first. Empty
    /// for a special test, whose result is positive or negative instead of a value.
    public let units: [String]

    public init(_ id: String, _ display: String, synonyms: [String] = [], snomed: String? = nil, consent: String? = nil, units: [String] = []) {
        self.id = id
        self.display = display
        self.synonyms = synonyms
        self.snomed = snomed
        self.consent = consent
        self.units = units
    }

    /// A technique that is refused without a current recorded consent.
    public var needsConsent: Bool { consent != nil }
}

/// A controlled vocabulary: the one place a list of clinical terms lives in code.
///
/// Input is matched case-insensitively with spaces, underscores and hyphens treated alike, so
/// `Upper Trapezius`, `upper_trapezius` and `upper-trapezius` all resolve to `upper-trapezius`;
/// listed synonyms (`QL`, `SCM`) resolve too. The canonical ``Term/id`` is what is stored.
public struct Vocabulary: Sendable {
    /// The field this vocabulary fills, used in error messages (`muscle`, `technique`…).
    public let field: String
    public let terms: [Term]
    private let index: [String: Term]

    public init(field: String, terms: [Term]) {
        self.field = field
        self.terms = terms
        var index: [String: Term] = [:]
        for term in terms {
            for spelling in [term.id, term.display] + term.synonyms {
                let key = Vocabulary.normalize(spelling)
                precondition(index[key] == nil || index[key] == term, "\(field): \(spelling) names two terms")
                index[key] = term
            }
        }
        self.index = index
    }

    /// The term `input` names, or an error listing what is accepted.
    public func resolve(_ input: String) throws -> Term {
        guard let term = index[Vocabulary.normalize(input)] else {
            throw ClinicalError.invalidField(field: field, value: input, accepted: acceptedDescription)
        }
        return term
    }

    /// The stored term for `id`, or nil when the id is not in this vocabulary.
    public func term(id: String) -> Term? {
        index[id].flatMap { $0.id == id ? $0 : nil }
    }

    public var acceptedDescription: String {
        terms.map(\.id).joined(separator: ", ")
    }

    static func normalize(_ text: String) -> String {
        var result = ""
        var pendingSeparator = false
        for character in text.lowercased() {
            if character == " " || character == "_" || character == "-" || character == "\t" {
                pendingSeparator = !result.isEmpty
            } else {
                if pendingSeparator { result.append("-"); pendingSeparator = false }
                result.append(character)
            }
        }
        return result
    }
}
