import ClinicalEvents
import ClinicalFold
import EventLog
import EventModel

/// The marks of issue 33 under an entry: late entry (both times), addenda after a sign-off (each
/// with its author, when it was written and when the care it amends happened), and the
/// co-signature a student's entry has or awaits. The sign-off itself is said once, on its visit.
extension ShowRendering {
    /// What marks a late entry, an addendum, and an entry awaiting a co-signature.
    static let lateMark = "late entry", addendumMark = "addendum", awaitingMark = "awaiting co-signature"

    /// The lines under `entry` for its marks; empty when it has none.
    func marks<Payload>(_ entry: EntryView<Payload>, indent: String) -> String {
        var out = ""
        if let late = entry.lateEntry {
            out += "\(indent)\(Self.lateMark): care \(clock.minute(late.occurredAt)), written \(clock.minute(late.recordedAt)) (rule \(late.rule))\n"
        }
        for addendum in entry.addenda {
            let what: String
            switch addendum.kind {
            case .correction:
                let fields = addendum.fields ?? [:]
                what = fields.keys.sorted().map { "\($0) → \(Self.value(fields[$0]!))" }.joined(separator: ", ")
            case .retraction:
                what = "retracts this entry"
            }
            out += "\(indent)\(Self.addendumMark) by \(VisibleText.escaped(addendum.author)), written \(clock.minute(addendum.recordedAt)) about care \(clock.minute(entry.occurredAt)): "
                + "\(VisibleText.escaped(what)) — \(VisibleText.indented(addendum.reason, indent: indent + "  "))\n"
        }
        if let coSignature = entry.coSignature {
            out += "\(indent)co-signed by \(VisibleText.escaped(coSignature.author)) on \(clock.minute(coSignature.recordedAt))\n"
        } else if entry.isAwaitingCoSignature {
            out += "\(indent)\(Self.awaitingMark) (written by \(VisibleText.escaped(entry.author)), student)\n"
        }
        return out
    }

    /// The line saying who signed off a visit and when, or nothing while it is not signed.
    func signOff(_ visit: EntryView<VisitStarted>, indent: String) -> String {
        guard let signOff = visit.signOff else { return "" }
        return "\(indent)signed off by \(VisibleText.escaped(signOff.author)) on \(clock.minute(signOff.recordedAt)); later changes are addenda\n"
    }

    /// A corrected value as typed: text as it is, anything else as JSON.
    static func value(_ value: JSONValue) -> String {
        if case .null = value { return "(removed)" }
        return value.stringValue ?? value.canonicalString
    }
}
