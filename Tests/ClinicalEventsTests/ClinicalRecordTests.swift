import ClinicalEvents
import ClinicalLog
import EventLog
import Foundation
import Testing
import EventModel

@Suite("Clinical record")
struct ClinicalRecordTests {
    @Test("a first consultation and a visit, stored in canonical terms and linked to the visit")
    func consultationAndVisit() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        try f.record.write { s in
            try s.recordHistory(try IDReference(p), kind: "Medications", text: "Ibuprofen", author: "alex")
            try s.recordHistory(try IDReference(p), kind: "work", text: "Nurse", ergonomics: "12 h shifts", author: "alex")
            let visit = try s.startVisit(try IDReference(p), reason: "Neck pain", author: "alex")
            let tp = try s.recordTriggerPoint(try IDReference(p), muscle: "Upper Trapezius", side: "R", status: "ACTIVE", referral: "head", author: "alex")
            let pain = try s.recordPain(try IDReference(String(p.prefix(8))), score: try PainScore(" 7 "), region: "Neck", context: "before", author: "alex")
            guard case .triggerPointFound(let finding)? = try ClinicalEvent.decode(tp),
                case .painScoreRecorded(let score)? = try ClinicalEvent.decode(pain)
            else { Issue.record("wrong event types"); return }
            #expect(finding == TriggerPointFound(muscle: "upper-trapezius", side: "right", status: "active", referral: "head", visit: visit.id))
            #expect(score == PainScoreRecorded(score: 7, region: "neck", context: "pre", visit: visit.id))
            #expect(tp.readablePayload == #"{"muscle":"upper-trapezius","referral":"head","side":"right","status":"active","visit":"\#(visit.id)"}"#)
            try s.endVisit(try IDReference(p), author: "alex")
            let later = try s.recordPain(try IDReference(p), score: 3, region: "neck", author: "alex")
            guard case .painScoreRecorded(let unlinked)? = try ClinicalEvent.decode(later) else { Issue.record("not a pain score"); return }
            #expect(unlinked.visit == nil)
            #expect(unlinked.context == "unspecified")
        }
        let types = try f.events(p).map(\.type)
        #expect(types == ["PatientRegistered", "HistoryEntryRecorded", "HistoryEntryRecorded", "VisitStarted", "TriggerPointFound", "PainScoreRecorded", "VisitEnded", "PainScoreRecorded"])
    }

    @Test("a stored version-1 pain score is read as version 2 with context \"unspecified\"")
    func upcastPainScore() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        // Written the way a version-1 build wrote it: no context member, schemaVersion 1.
        let v1 = try f.store.append([NewEvent(type: "PainScoreRecorded", schemaVersion: 1, patient: PatientID(p)!, payload: ["score": 6, "region": "neck"])], author: "old build")[0]
        #expect(v1.readablePayload == #"{"region":"neck","score":6}"#)
        let stored = try f.store.read { try $0.event(v1.id)! }
        #expect(stored.schemaVersion == 1)
        guard case .painScoreRecorded(let read)? = try ClinicalEvent.decode(stored) else { Issue.record("not a pain score"); return }
        #expect(read == PainScoreRecorded(score: 6, region: "neck", context: "unspecified"))
        #expect(ClinicalEvent.upcasters.currentVersion(of: "PainScoreRecorded") == 2)
        // Reading never rewrites: the stored bytes and hash are untouched.
        #expect(try f.store.read { try $0.event(v1.id)! } == v1)
    }

    @Test("corrections change fields, keep the original, and must make sense")
    func corrections() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let pain = try f.record.write { try $0.recordPain(try IDReference(p), score: 4, region: "hip", context: "post", author: "alex") }
        let correction = try f.record.write { try $0.correct(IDReference(pain.id), fields: ["score": "3"], reason: "Re-rated", author: "alex") }
        guard case .entryCorrected(let c)? = try ClinicalEvent.decode(correction) else { Issue.record("not a correction"); return }
        #expect(c.fields == ["score": 3] && c.target == pain.id && c.reason == "Re-rated")
        try f.store.read { (reader: EventReader) throws in
            #expect(try ClinicalQueries(reader).currentEntry(of: pain) == .painScoreRecorded(PainScoreRecorded(score: 3, region: "hip", context: "post")))
            // The stored event is the one returned (its hash covers every field; the stored copy
            // also carries the signature its commit ended with).
            let stored = try #require(try reader.event(pain.id))
            #expect(stored.hash == pain.hash && stored.computedHash == pain.hash)
        }
        let before = try f.logBytes()
        // Same value again, a field the entry does not have, a bad value, a non-entry target.
        expectRefusal(.nothingToChange) { try f.record.write { try $0.correct(IDReference(pain.id), fields: ["score": "3"], reason: "again", author: "alex") } }
        expectRefusal(.fieldNotCorrectable) { try f.record.write { try $0.correct(IDReference(pain.id), fields: ["muscle": "piriformis"], reason: "x", author: "alex") } }
        expectRefusal(.invalidField) { try f.record.write { try $0.correct(IDReference(pain.id), fields: ["score": "12"], reason: "x", author: "alex") } }
        expectRefusal(.notCorrectable) { try f.record.write { try $0.correct(IDReference(correction.id), fields: ["score": "2"], reason: "x", author: "alex") } }
        expectRefusal(.nothingToChange) { try f.record.write { try $0.correct(IDReference(pain.id), fields: [:], reason: "x", author: "alex") } }
        #expect(try f.logBytes() == before)
        // A history entry cannot gain an ergonomics note unless it is an occupation.
        let med = try f.record.write { try $0.recordHistory(try IDReference(p), kind: "medication", text: "Ibuprofen", author: "alex") }
        expectRefusal(.malformedPayload) { try f.record.write { try $0.correct(IDReference(med.id), fields: ["ergonomics": "desk"], reason: "x", author: "alex") } }
    }

    @Test("retractions: once only, entries only")
    func retractions() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let technique = try f.record.write { s in
            try s.recordConsent(try IDReference(p), technique: "cupping", form: "verbal", author: "alex")
            return try s.recordTechnique(try IDReference(p), technique: "cupping", region: "hip", author: "alex")
        }
        let retraction = try f.record.write { try $0.retract(IDReference(technique.id), reason: "Not performed", author: "alex") }
        let before = try f.logBytes()
        #expect(throws: ClinicalError.alreadyRetracted(event: technique.id.rawValue, by: retraction.id.rawValue)) {
            try f.record.write { try $0.retract(IDReference(technique.id), reason: "again", author: "alex") }
        }
        expectRefusal(.alreadyRetracted) { try f.record.write { try $0.correct(IDReference(technique.id), fields: ["minutes": "5"], reason: "x", author: "alex") } }
        let registration = try f.events(p)[0]
        expectRefusal(.registrationInUse) { try f.record.write { try $0.retract(IDReference(registration.id), reason: "x", author: "alex") } }
        expectRefusal(.notAnEntry) { try f.record.write { try $0.retract(IDReference(retraction.id), reason: "x", author: "alex") } }
        #expect(try f.logBytes() == before)
    }

    @Test("visits: one open at a time; a retracted start closes it")
    func visits() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let before = try f.logBytes()
        expectRefusal(.noOpenVisit) { try f.record.write { try $0.endVisit(try IDReference(p), author: "alex") } }
        #expect(try f.logBytes() == before)
        let visit = try f.record.write { try $0.startVisit(try IDReference(p), author: "alex") }
        expectRefusal(.visitAlreadyOpen) { try f.record.write { try $0.startVisit(try IDReference(p), author: "alex") } }
        try f.record.write { try $0.retract(IDReference(visit.id), reason: "Opened for the wrong patient", author: "alex") }
        #expect(try f.store.read { try ClinicalQueries($0).openVisit(of: PatientID(p)!) } == nil)
        try f.record.write { try $0.startVisit(try IDReference(p), author: "alex") }
    }

    @Test("trigger points resolve once")
    func resolve() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let tp = try f.record.write { try $0.recordTriggerPoint(try IDReference(p), muscle: "piriformis", side: "left", author: "alex") }
        try f.record.write { try $0.resolveTriggerPoint(IDReference(tp.id), author: "alex") }
        let before = try f.logBytes()
        #expect(throws: ClinicalError.triggerPointAlreadyResolved(event: tp.id.rawValue)) { try f.record.write { try $0.resolveTriggerPoint(IDReference(tp.id), author: "alex") } }
        let pain = try f.record.write { try $0.recordPain(try IDReference(p), score: 2, region: "hip", author: "alex") }
        let afterPain = try f.logBytes()
        #expect(afterPain.count == before.count + 1)
        expectRefusal(.notAnEntry) { try f.record.write { try $0.resolveTriggerPoint(IDReference(pain.id), author: "alex") } }
        #expect(try f.logBytes() == afterPain)
    }

    @Test("patients: unknown, too-short and ambiguous references are refused; updates need a field")
    func patientReferences() throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let before = try f.logBytes()
        #expect(throws: ClinicalError.unknownPatient("ffffffff")) { try f.record.write { try $0.recordPain(try IDReference("ffffffff"), score: 3, region: "neck", author: "a") } }
        #expect(throws: EventLogError.self) { try f.record.write { try $0.recordPain(try IDReference("abc"), score: 3, region: "neck", author: "a") } }
        expectRefusal(.nothingToChange) { try f.record.write { try $0.updatePatient(try IDReference(p), changes: [:], author: "a") } }
        expectRefusal(.fieldNotCorrectable) { try f.record.write { try $0.updatePatient(try IDReference(p), changes: ["shoe size": "9"], author: "a") } }
        #expect(try f.logBytes() == before)
        // Two patients sharing a prefix make it ambiguous; a longer prefix resolves.
        let first = PatientID("aaaaaaaa-0000-4000-8000-000000000001")!, second = PatientID("aaaaaaaa-0000-4000-8000-000000000002")!
        for id in [first, second] { try f.record.write { try $0.register(.init(name: "Twin", dateOfBirth: "1990-01-01"), newPatient: true, author: "jo", patientID: id) } }
        let registered = try f.logBytes()
        #expect(throws: ClinicalError.ambiguousPatient(prefix: "aaaaaaaa", matches: [first.rawValue, second.rawValue])) {
            try f.record.write { try $0.recordPain(try IDReference("aaaaaaaa"), score: 3, region: "neck", author: "a") }
        }
        #expect(try f.logBytes() == registered)
        let update = try f.record.write { try $0.updatePatient(try IDReference(String(p.prefix(8))), changes: ["phone": "0400 555 000", "email": ""], author: "jo") }
        guard case .patientDetailsChanged(let changed)? = try ClinicalEvent.decode(update) else { Issue.record("not a details change"); return }
        let expected: [String: String?] = ["phone": "0400 555 000", "email": nil]
        #expect(changed.changes == expected)
        #expect(update.readablePayload == #"{"email":null,"phone":"0400 555 000"}"#)
    }

    @Test("bad input leaves the log byte-for-byte unchanged", arguments: BadInput.cases)
    func badInput(_ bad: BadInput) throws {
        let f = try ClinicalFixture()
        let p = try f.register()
        let before = try f.logBytes()
        #expect(throws: (any Error).self) { try f.record.write { try bad.write($0, p) } }
        #expect(try f.logBytes() == before, "\(bad)")
    }
}

/// A refused write, for the parameterised "nothing written" test.
struct BadInput: CustomStringConvertible, Sendable {
    let description: String
    let write: @Sendable (ClinicalSession, String) throws -> Void

    static let cases: [BadInput] = [
        .init(description: "pain 11") { try $0.recordPain(try IDReference($1), score: try PainScore("11"), region: "neck", author: "a") },
        .init(description: "pain -1") { try $0.recordPain(try IDReference($1), score: try PainScore("-1"), region: "neck", author: "a") },
        .init(description: "pain seven") { try $0.recordPain(try IDReference($1), score: try PainScore("seven"), region: "neck", author: "a") },
        .init(description: "unknown technique") { try $0.recordTechnique(try IDReference($1), technique: try Technique(parsing: "reiki"), region: "neck", author: "a") },
        .init(description: "unknown muscle") { try $0.recordTriggerPoint(try IDReference($1), muscle: try Muscle(parsing: "bicep femoris longus"), side: "left", author: "a") },
        .init(description: "unknown region") { try $0.recordPain(try IDReference($1), score: 3, region: try BodyRegion(parsing: "elbowpit"), author: "a") },
        .init(description: "unknown history kind") { try $0.recordHistory(try IDReference($1), kind: try HistoryKind(parsing: "allergy"), text: "peanuts", author: "a") },
        .init(description: "unknown side") { try $0.recordTriggerPoint(try IDReference($1), muscle: "piriformis", side: try Side(parsing: "middle"), author: "a") },
        .init(description: "unknown context") { try $0.recordPain(try IDReference($1), score: 3, region: "neck", context: try PainContext(parsing: "sleeping"), author: "a") },
        .init(description: "unknown status") { try $0.recordTriggerPoint(try IDReference($1), muscle: "piriformis", side: "left", status: try TriggerPointStatus(parsing: "dormant"), author: "a") },
        .init(description: "empty name") { s, _ in try s.register(.init(name: "", dateOfBirth: "1990-01-01"), author: "a") },
        .init(description: "control-character name") { s, _ in try s.register(.init(name: "Mia\u{7}", dateOfBirth: "1990-01-01"), author: "a") },
        .init(description: "future date of birth") { s, _ in try s.register(.init(name: "Mia", dateOfBirth: "2999-01-01"), author: "a") },
        .init(description: "not a date of birth") { s, _ in try s.register(.init(name: "Mia", dateOfBirth: "12/04/1988"), author: "a") },
        .init(description: "future --date") { try $0.recordPain(try IDReference($1), score: 3, region: "neck", date: try EntryDate("2999-01-01"), author: "a") },
        .init(description: "not a --date") { try $0.recordPain(try IDReference($1), score: 3, region: "neck", date: try EntryDate("last tuesday"), author: "a") },
        .init(description: "text over 10,000") { try $0.recordHistory(try IDReference($1), kind: "illness", text: String(repeating: "x", count: 10_001), author: "a") },
        .init(description: "unknown patient") { s, _ in try s.recordPain(try IDReference("0123456789abcdef"), score: 3, region: "neck", author: "a") },
        .init(description: "unknown event") { s, _ in try s.retract(try IDReference("ffffffff-ffff-7fff-bfff-ffffffffffff"), reason: "x", author: "a") },
        .init(description: "no author") { try $0.recordPain(try IDReference($1), score: 3, region: "neck", author: "") },
        .init(description: "minutes 0") { try $0.recordTechnique(try IDReference($1), technique: "cupping", region: "neck", minutes: try TreatmentMinutes("0"), author: "a") },
        .init(description: "ergonomics without occupation") { try $0.recordHistory(try IDReference($1), kind: "illness", text: "x", ergonomics: "desk", author: "a") },
        .init(description: "a valid write then a refused one in the same transaction") { s, p in
            try s.recordPain(try IDReference(p), score: 3, region: "neck", author: "a")
            try s.recordPain(try IDReference(p), score: try PainScore("33"), region: "neck", author: "a")
        },
    ]
}
