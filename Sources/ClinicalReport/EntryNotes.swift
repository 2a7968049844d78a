import EventModel
import Foundation

/// The free text a person typed on an entry, as the report and `ui` label it: a technique's or a
/// finding's note, a resolution's, a visit's closing plan, a treatment note's sections.
///
/// Guarantees: the fields come out in one fixed order with their labels, blank ones left out;
/// the text is returned as typed — pages put it in text nodes (``HTML``), so a note that looks
/// like markup is shown as the characters it is.
enum EntryNotes {
    /// Payload members holding typed text, and how a page labels each.
    static let labels: [(field: String, label: String)] = [
        ("note", "Note"), ("subjective", "Subjective"), ("objective", "Objective"), ("assessment", "Assessment"), ("plan", "Plan"),
        ("risks", "Risks explained"),
    ]

    /// The typed text in `payload` (a stored payload, at any version), labelled, in ``labels`` order.
    static func fields(_ payload: JSONValue) -> [(label: String, text: String)] {
        guard case .object(let members) = payload else { return [] }
        return labels.compactMap { field in
            guard case .string(let text)? = members[field.field], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
            return (field.label, text)
        }
    }
}
