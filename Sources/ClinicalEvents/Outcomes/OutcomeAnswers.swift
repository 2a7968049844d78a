import Foundation

/// Answers as a clinician types them: `2,3,1,0,4,2,1,3,2,-`, whole numbers in item order, `-`
/// for an item the patient skipped. Only the form is checked here; whether they fit the
/// instrument is ``Instrument/refusal(answers:activities:)``'s to say.
public struct OutcomeAnswers: Sendable, Hashable {
    public var values: [Int?]
    public static let accepted = "answers in item order separated by commas, each a whole number or - for a skipped item (2,3,1,0,-)"

    public init(parsing typed: String) throws {
        let parts = typed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...100).contains(parts.count) else { throw ClinicalError.invalidField(field: "answers", value: typed, accepted: Self.accepted) }
        values = try parts.map { part in
            if part == "-" { return nil }
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(part) else {
                throw ClinicalError.invalidField(field: "answers", value: typed, accepted: Self.accepted)
            }
            return value
        }
    }
}

/// One patient-chosen activity and its rating, typed `Reaching overhead=3` (PSFS).
public struct RatedActivity: Sendable, Hashable {
    public var name: String
    public var rating: Int
    public static let accepted = "an activity in the patient's words and its rating, joined by = (\"Reaching overhead=3\")"

    public init(parsing typed: String) throws {
        guard let equals = typed.lastIndex(of: "=") else { throw ClinicalError.invalidField(field: "activity", value: typed, accepted: Self.accepted) }
        let rating = typed[typed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        guard (1...3).contains(rating.count), rating.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(rating) else {
            throw ClinicalError.invalidField(field: "activity", value: typed, accepted: Self.accepted)
        }
        name = String(typed[..<equals])
        self.rating = value
    }

    public init(name: String, rating: Int) { (self.name, self.rating) = (name, rating) }
}
