
/// Which controlled vocabulary a ``VocabularyTerm`` belongs to.
public protocol VocabularyKind: Sendable {
    static var vocabulary: Vocabulary { get }
}

/// A term of one controlled vocabulary, as a value: holding a `Muscle` means holding a canonical
/// muscle, resolved once from whatever spelling was typed (`QL`, `Upper Trapezius`).
///
/// Guarantees: ``term`` belongs to `Kind`'s vocabulary — the only ways in are
/// ``init(parsing:)`` (which refuses, naming the field and the accepted terms), ``allCases`` and a
/// literal (which must name a term: a literal that does not is a programming error and traps).
public struct VocabularyTerm<Kind: VocabularyKind>: Sendable, Hashable, CaseIterable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let term: Term

    private init(checked term: Term) { self.term = term }

    /// The term `typed` names (its id, display name or a synonym, in any case, with spaces,
    /// hyphens or underscores), or ``ClinicalError/invalidField(field:value:accepted:)``.
    /// Labelled: an unlabelled `Muscle("…")` is Swift's literal coercion (a constant, which traps
    /// if wrong), and text someone typed must never take that path.
    public init(parsing typed: String) throws {
        self.init(checked: try Kind.vocabulary.resolve(typed))
    }

    public init(stringLiteral literal: String) {
        guard let term = try? Kind.vocabulary.resolve(literal) else { preconditionFailure("\(Kind.vocabulary.field): \(literal) is not a term") }
        self.init(checked: term)
    }

    /// The stored term (`upper-trapezius`).
    public var id: String { term.id }
    public var description: String { term.id }

    public static var allCases: [Self] { Kind.vocabulary.terms.map(Self.init(checked:)) }
}

public enum MuscleVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.muscles } }
public enum BodyRegionVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.bodyRegions } }
public enum TechniqueVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.techniques } }
public enum SideVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.sides } }
public enum TriggerPointStatusVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.triggerPointStatuses } }
public enum PainContextVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.painContexts } }
public enum HistoryKindVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.historyKinds } }
public enum ConsentFormVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.consentForms } }
public enum PrecautionKindVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.precautionKinds } }
public enum AdverseEventKindVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.adverseEventKinds } }
public enum SeverityVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.severities } }
public enum MeasurementTestVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.measurementTests } }
public enum MeasurementUnitVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.measurementUnits } }
public enum TestResultVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.testResults } }

/// A muscle from ``Vocabularies/muscles``.
public typealias Muscle = VocabularyTerm<MuscleVocabulary>
/// A body region from ``Vocabularies/bodyRegions`` (where pain is, where a point refers, where a technique was applied).
public typealias BodyRegion = VocabularyTerm<BodyRegionVocabulary>
/// A treatment technique from ``Vocabularies/techniques``.
public typealias Technique = VocabularyTerm<TechniqueVocabulary>
/// Left, right or bilateral.
public typealias Side = VocabularyTerm<SideVocabulary>
/// Active or latent.
public typealias TriggerPointStatus = VocabularyTerm<TriggerPointStatusVocabulary>
/// When a pain score was taken: pre, post, rest or activity.
public typealias PainContext = VocabularyTerm<PainContextVocabulary>
/// What kind of history entry: medication, illness, surgery, activity, occupation.
public typealias HistoryKind = VocabularyTerm<HistoryKindVocabulary>
/// Verbal or written: how consent was given or withdrawn.
public typealias ConsentForm = VocabularyTerm<ConsentFormVocabulary>
/// A precaution kind (anticoagulant, pregnancy, lymphoedema…).
public typealias PrecautionKind = VocabularyTerm<PrecautionKindVocabulary>
/// What went wrong after treatment (bruising, fainting…).
public typealias AdverseEventKind = VocabularyTerm<AdverseEventKindVocabulary>
/// Mild, moderate or severe.
public typealias Severity = VocabularyTerm<SeverityVocabulary>
/// An objective test (cervical-rotation, slr, spurling…).
public typealias MeasurementTest = VocabularyTerm<MeasurementTestVocabulary>
/// A unit a measurement is taken in (deg, cm, kg, s).
public typealias MeasurementUnit = VocabularyTerm<MeasurementUnitVocabulary>
/// Positive or negative: a special test's result.
public typealias TestResult = VocabularyTerm<TestResultVocabulary>
/// Baseline, reassessment or discharge: when an outcome measure was answered.
public typealias OutcomeContext = VocabularyTerm<OutcomeContextVocabulary>
public enum OutcomeContextVocabulary: VocabularyKind { public static var vocabulary: Vocabulary { Vocabularies.outcomeContexts } }
