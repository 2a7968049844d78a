import Foundation
import EventModel

/// A patient's answers to an outcome measure (``Instrument``), in the version they were answered
/// in: the answers are the event, and the score is derived from them wherever it is shown, by
/// the version's own rules (``Instrument/score(answers:)``). A corrected scoring rule is a new
/// version; answers recorded in the old one keep the old one's rules, never rescored silently.
///
/// `answers` holds one entry per item (`null` for a skipped one) or, for an instrument of
/// patient-chosen activities (PSFS), one rating per activity, the activities named in
/// `activities` in the patient's words.
///
/// Guarantees: decoding checks the shape (1–100 answers of 0–100 or null, activity names that
/// cannot imitate a screen), the same on every store; every local write checks that the answers
/// are an answer set of their version (``misfit``). A received set of a version this Myolog does
/// not know is kept and shown unscored until it learns the version; one that does not fit its
/// version is shown unscored, never refused by a read.
public struct OutcomeRecorded: ClinicalPayload {
    public static let eventType = "OutcomeRecorded"
    /// An instrument's id (`ndi`).
    public var instrument: String
    /// The version of the instrument the answers were given in.
    public var version: Int
    public var answers: [Int?]
    /// The activities rated, for an instrument of activities; nil otherwise.
    public var activities: [String]?
    /// A ``Vocabularies/outcomeContexts`` term: baseline, reassessment, discharge.
    public var context: String
    public var note: String?
    public var visit: EventID?

    public init(instrument: String, version: Int, answers: [Int?], activities: [String]? = nil, context: String, note: String? = nil, visit: EventID? = nil) {
        (self.instrument, self.version, self.answers, self.activities) = (instrument, version, answers, activities)
        (self.context, self.note, self.visit) = (context, note, visit)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["instrument", "version", "answers", "activities", "context", "note", "visit"])
        func fail(_ field: String, _ reason: String) -> ClinicalError { .malformedPayload(type: Self.eventType, field: field, reason: reason) }
        instrument = try fields.string("instrument")
        guard instrument.utf8.count <= 32, instrument.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw fail("instrument", "an instrument id (lower-case letters, digits and hyphens)")
        }
        version = try fields.int("version", in: 1...999)
        guard case .array(let answerValues)? = fields.members["answers"], (1...100).contains(answerValues.count) else { throw fail("answers", "expected an array of 1 to 100 answers") }
        answers = try answerValues.map { value in
            switch value {
            case .null: return nil
            case .int(let answer) where (0...100).contains(answer): return answer
            default: throw fail("answers", "each answer is an integer from 0 to 100, or null for a skipped item")
            }
        }
        switch fields.members["activities"] {
        case nil, .null?: activities = nil
        case .array(let names)?:
            activities = try names.map { name in
                // What `record outcome` accepts (ClinicalInput.name): one line, nothing hidden, so
                // a peer's event cannot put on a screen what a typed activity could not.
                guard case .string(let text) = name, OutcomeRecorded.isActivityName(text) else {
                    throw fail("activities", "each activity is one line of 1–\(ClinicalInput.maximumNameLength) characters, without = or ;")
                }
                return text
            }
        default: throw fail("activities", "expected an array of activity names")
        }
        context = try fields.term("context", of: Vocabularies.outcomeContexts)
        note = try fields.optionalString("note")
        visit = try fields.optionalEventID("visit")
        // Only the shape is checked here, never the fit to the version: whether an event reads
        // must not depend on which instruments the reader's Myolog knows, or a store that learns a
        // version on upgrade could no longer read (fold, rebuild, verify) what it received before.
        // A set that does not fit its version is shown unscored; writes check the fit (`fit`).
    }

    /// Why the answers are not an answer set of their version (field, accepted), when this
    /// Myolog knows the version: what `record outcome` and `correct` refuse. Nil when they fit,
    /// or when the version is unknown here.
    public var misfit: (field: String, accepted: String)? { knownInstrument?.refusal(answers: answers, activities: activities) }

    /// An activity as payloads hold it: one line of 1–200 characters with nothing hidden, no
    /// surrounding spaces, and neither `=` nor `;`, which screens use to join an activity to its
    /// rating and activities to each other (`Driving=4; Reading=7`): a name could otherwise
    /// pass for several.
    public static func isActivityName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= ClinicalInput.maximumNameLength && !ClinicalInput.hasControlCharacters(text, allowingLineBreaks: false)
            && text.trimmingCharacters(in: .whitespaces) == text && !text.contains("=") && !text.contains(";")
    }

    /// The instrument version the answers were given in, if this Myolog knows it.
    public var knownInstrument: Instrument? { Instruments.instrument(instrument, version: version) }

    /// The scores, by the version's own rules; nil when this Myolog does not know the version.
    /// A set that does not fit its version (``misfit``) scores nothing.
    public var scores: OutcomeScores? {
        guard let instrument = knownInstrument else { return nil }
        guard misfit == nil else { return OutcomeScores(values: [:], band: nil, unscored: "the answers do not fit \(instrument.reference)") }
        return instrument.score(answers: answers)
    }
}

extension OutcomeRecorded {
    /// One line for people: `NDI v1 (baseline): 12.5/50 points`, with the band and the
    /// activities where the instrument has them, or why it is not scored.
    public var reading: String {
        guard let instrument = knownInstrument, let scores else { return "\(self.instrument) v\(version) (\(context)): not scored (an instrument version this Myolog does not know)" }
        var parts: [String] = []
        if let value = scores.values[instrument.primary.id] {
            parts.append("\(value.text(decimals: instrument.primary.decimals))/\(instrument.primary.range.upperBound)" + (instrument.primary.unit.map { " \($0)" } ?? ""))
        } else {
            parts.append("not scored: " + (scores.unscored ?? "incomplete"))
        }
        for rule in instrument.scores.dropFirst() {
            if let value = scores.values[rule.id] { parts.append("\(rule.label) \(value.text(decimals: rule.decimals))") }
        }
        if let band = scores.band { parts.append(band.label) }
        if let activities {
            parts.append(zip(activities, answers).map { "\($0) \($1.map(String.init) ?? "-")" }.joined(separator: ", "))
        }
        return "\(instrument.abbreviation) v\(version) (\(context)): " + parts.joined(separator: "; ")
    }
}
