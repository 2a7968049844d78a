import ClinicalEvents
import EventLog
import EventModel

/// One event as a line for people: when, what, about whom, by whom, and its id to copy.
enum EventLine {
    static let header = "RECORDED (UTC)    OCCURRED          TYPE                  PATIENT   AUTHOR            WHAT / EVENT ID"

    static func format(_ envelope: EventEnvelope) -> String {
        let summary: String
        switch Result(catching: { try ClinicalEvent.decode(envelope) }) {
        case .success(let event?): summary = event.summary
        case .success(nil) where envelope.type == SystemEventType.nodeEnrolled:
            let site = (try? envelope.payloadValue().objectValue?["site"]?.stringValue) ?? nil
            summary = "node \(envelope.origin) enrolled for site \"\(site ?? "?")\""
        case .success(nil) where envelope.isSealed: summary = "(sealed: this store holds no key for the patient)"
        case .success(nil): summary = envelope.payload
        case .failure(let error): summary = "(unreadable payload: \(error))"
        }
        func minute(_ t: Timestamp) -> String {
            let text = t.description
            return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ")
        }
        let occurred = envelope.occurredAt == envelope.recordedAt ? "" : minute(envelope.occurredAt)
        let patient = String(envelope.patient?.rawValue.prefix(8) ?? "-")
        let author = VisibleText.escaped(String(envelope.author.prefix(16)))
        var line = minute(envelope.recordedAt).padded(18)
        line += occurred.padded(18)
        line += envelope.type.padded(22)
        line += patient.padded(10)
        line += author.padded(18)
        // One event, one line: a line break in a text is shown escaped, never printed.
        return line + VisibleText.escaped(summary) + "  [" + envelope.id.rawValue + "]"
    }
}

extension String {
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
