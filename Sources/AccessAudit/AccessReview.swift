import ClinicalEvents
import EventLog
import Foundation
import EventModel

/// What a privacy officer looks for in the access log, found and shown with its evidence.
///
/// The rules (each flag names its rule):
/// - ``Rule/neverTreated``: a record shown *for treatment* to a user who wrote no clinical event
///   about that patient, ever (other purposes — payment, operations, audit, legal — are how front
///   desks and auditors legitimately read records they did not treat);
/// - ``Rule/outsideHours``: an access outside the clinic's opening hours, in its time zone;
/// - ``Rule/unusualVolume``: on one day, a user who accessed at least `volumeFactor` times as
///   many patients as the median of the other users who accessed records that day, and at least
///   `volumeMinimum` (a day with one user has no peers to compare with, and is not flagged);
/// - ``Rule/erasedPatient``: an access to what remains of a patient after their erasure — also a
///   refused one (`show` of an erased patient refuses, saying who erased them, when and why).
/// Otherwise only successful accesses count: a refused one showed nothing.
public struct AccessReview {
    public enum Rule: String, CaseIterable, Sendable, Hashable, Encodable {
        case neverTreated = "never-treated"
        case outsideHours = "outside-hours"
        case unusualVolume = "unusual-volume"
        case erasedPatient = "erased-patient"
    }

    /// The review's settings: opening hours (minutes after local midnight, `opens` inclusive,
    /// `closes` exclusive), the clinic's time zone, and the volume rule's thresholds.
    public struct Settings: Sendable {
        public var opens: Int
        public var closes: Int
        public var timeZone: TimeZone
        public var volumeFactor: Double
        public var volumeMinimum: Int

        public init(opens: Int = 7 * 60, closes: Int = 20 * 60, timeZone: TimeZone = .current, volumeFactor: Double = 3, volumeMinimum: Int = 10) {
            self.opens = opens
            self.closes = closes
            self.timeZone = timeZone
            self.volumeFactor = volumeFactor
            self.volumeMinimum = volumeMinimum
        }
    }

    /// One finding: the rule, who, which patient (none for a day's volume), when, the access
    /// events it rests on, and the evidence in words.
    public struct Flag: Sendable, Hashable, Encodable {
        public var rule: Rule
        public var user: String
        public var patient: PatientID?
        public var at: Timestamp
        public var accesses: [EventID]
        public var evidence: String
    }

    let reader: EventReader
    let settings: Settings
    /// The clinic's calendar, made once: every access is placed in a local day and minute.
    let calendar: Calendar

    public init(_ reader: EventReader, settings: Settings = Settings()) {
        self.reader = reader
        self.settings = settings
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = settings.timeZone
        self.calendar = calendar
    }

    /// The flags over the accesses `filter` selects (its time bounds, usually), in time order.
    public func flags(_ filter: AccessFilter = AccessFilter()) throws -> [Flag] {
        let all = try AccessLog(reader).entries(filter)
        let entries = all.filter { $0.outcome == .success }
        var flags: [Flag] = []
        var treated: [String: Bool] = [:]
        var erasures: [PatientID: Timestamp?] = [:]
        var previous: EventID?
        for entry in all {
            guard let patient = entry.patient else { continue }
            if erasures[patient] == nil { erasures[patient] = try erasureTime(of: patient) }
            if let erased = erasures[patient] ?? nil, erased <= entry.at {
                flags.append(Flag(rule: .erasedPatient, user: entry.user, patient: patient, at: entry.at, accesses: [entry.event],
                                  evidence: "\(entry.user) ran `\(entry.command)` on patient \(patient) at \(entry.at) (\(entry.outcome.rawValue)), after their erasure at \(erased)"))
            }
        }
        for entry in entries {
            let local = localTime(entry.at)
            // One flag per access, not per patient it covered (its rows are adjacent).
            defer { previous = entry.event }
            if entry.event != previous, local.minutes < settings.opens || local.minutes >= settings.closes {
                flags.append(Flag(rule: .outsideHours, user: entry.user, patient: entry.patient, at: entry.at, accesses: [entry.event],
                                  evidence: "\(entry.user) ran `\(entry.command)` at \(local.text) local time (\(entry.at)); opening hours are \(Self.clock(settings.opens))–\(Self.clock(settings.closes))"))
            }
            guard let patient = entry.patient else { continue }
            if entry.purpose == .treatment, [.read, .export, .report].contains(entry.action) {
                let key = "\(entry.user)\n\(patient.rawValue)"
                let hasTreated = try treated[key] ?? wroteClinicalEvent(by: entry.user, about: patient)
                treated[key] = hasTreated
                if !hasTreated {
                    flags.append(Flag(rule: .neverTreated, user: entry.user, patient: patient, at: entry.at, accesses: [entry.event],
                                      evidence: "\(entry.user) ran `\(entry.command)` for treatment on patient \(patient) at \(entry.at), and wrote no clinical event about that patient"))
                }
            }
        }
        flags += volumeFlags(entries)
        return flags.sorted { ($0.at, $0.rule.rawValue, $0.user, $0.patient?.rawValue ?? "") < ($1.at, $1.rule.rawValue, $1.user, $1.patient?.rawValue ?? "") }
    }

    private func volumeFlags(_ entries: [AccessEntry]) -> [Flag] {
        // Per local day, per user: the distinct patients accessed and the accesses behind them.
        var days: [String: [String: (patients: Set<PatientID>, accesses: [EventID], first: Timestamp)]] = [:]
        for entry in entries {
            guard let patient = entry.patient else { continue }
            let day = localTime(entry.at).day
            var tally = days[day, default: [:]][entry.user] ?? (patients: [], accesses: [], first: entry.at)
            tally.patients.insert(patient)
            if tally.accesses.last != entry.event { tally.accesses.append(entry.event) }
            days[day, default: [:]][entry.user] = tally
        }
        var flags: [Flag] = []
        for (day, users) in days.sorted(by: { $0.key < $1.key }) {
            for (user, tally) in users.sorted(by: { $0.key < $1.key }) {
                let others = users.filter { $0.key != user }.map { $0.value.patients.count }.sorted()
                guard !others.isEmpty else { continue }
                let median = others.count % 2 == 1 ? Double(others[others.count / 2]) : Double(others[others.count / 2 - 1] + others[others.count / 2]) / 2
                let count = tally.patients.count
                if count >= settings.volumeMinimum, Double(count) >= settings.volumeFactor * median {
                    flags.append(Flag(rule: .unusualVolume, user: user, patient: nil, at: tally.first, accesses: tally.accesses,
                                      evidence: "\(user) accessed \(count) patients' records on \(day); the median of the \(others.count) other user(s) that day is \(Self.number(median))"))
                }
            }
        }
        return flags
    }

    /// Whether `user` wrote any clinical event about `patient` (an erasure is not care).
    private func wroteClinicalEvent(by user: String, about patient: PatientID) throws -> Bool {
        try reader.hasEvent(about: patient, by: user, otherThan: SystemEventType.patientErased)
    }

    private func erasureTime(of patient: PatientID) throws -> Timestamp? {
        guard let event = try reader.erasure(of: patient) else { return nil }
        return try reader.event(event)?.recordedAt
    }

    private func localTime(_ instant: Timestamp) -> (day: String, minutes: Int, text: String) {
        let date = Date(timeIntervalSince1970: Double(instant.millisecondsSinceEpoch) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
        let minutes = (parts.hour ?? 0) * 60 + (parts.minute ?? 0)
        return (day, minutes, "\(day) \(Self.clock(minutes))")
    }

    static func clock(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}
