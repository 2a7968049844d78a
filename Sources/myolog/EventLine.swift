import ClinicalEvents
import EventLog
import EventModel

/// One event as a line for people: when, what, about whom, by whom, and its id to copy.
///
/// Times are the site's wall clock with their offset (`2026-04-05 02:30 +11:00`): the repeated
/// hour of an autumn change reads as two different times, and the screen names its zone once
/// above the header (``SiteClock/label(now:)``).
enum EventLine {
    static let header = "RECORDED                OCCURRED                TYPE                  PATIENT   AUTHOR            WHAT / EVENT ID"

    static func format(_ envelope: EventEnvelope, clock: SiteClock) -> String {
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
        let occurred = envelope.occurredAt == envelope.recordedAt ? "" : clock.minuteWithOffset(envelope.occurredAt)
        let patient = String(envelope.patient?.rawValue.prefix(8) ?? "-")
        let author = VisibleText.escaped(String(envelope.author.prefix(16)))
        var line = clock.minuteWithOffset(envelope.recordedAt).padded(24)
        line += occurred.padded(24)
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
