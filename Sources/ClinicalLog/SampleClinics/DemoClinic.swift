import Foundation
import ClinicalEvents
import EventLog
import EventModel

/// Sample patients that ship with Myolog, as a myotherapist would record them: a first
/// consultation (medications, prior illnesses and surgeries, sports, occupation and ergonomics),
/// then visits with trigger points, techniques and pain scores that mostly improve, one
/// correction and one retraction; treatment notes, measurements, consent given (and once
/// withdrawn), a precaution (a patient on warfarin), dry-needling details and an adverse event;
/// outcome measures (NDI and PSFS at baseline and two reassessments).
/// `myolog demo` writes them into a new store.
public enum DemoClinic {
    public struct Summary: Sendable {
        public var patients: [(id: PatientID, name: String)]
        public var events: Int
    }

    /// Writes the sample patients through the ordinary clinical write path. Dates are relative to
    /// `today` so the demo never records the future.
    public static func populate(_ record: ClinicalRecord, author: String = "demo@myolog") throws -> Summary {
        let today = record.input.today
        func daysAgo(_ days: Int) -> EntryDate { EntryDate(CivilDate(daysSinceEpoch: today.daysSinceEpoch - Int64(days))) }
        var patients: [(PatientID, String)] = []
        var events = 0

        try record.write { s in
            // Office worker with neck and shoulder pain from screen work.
            let mia = try s.register(.init(name: "Mia Thompson", dateOfBirth: "1988-04-12", phone: "+61 3 9555 0101", email: "mia.thompson@example.org"), author: "frontdesk.jo").patient!
            patients.append((mia, "Mia Thompson"))
            let p = IDReference(mia)
            try s.recordHistory(p, kind: "medication", text: "Ibuprofen 200 mg as needed for headaches", author: author)
            try s.recordHistory(p, kind: "illness", text: "Tension-type headaches since 2019", date: try HistoryDate("2019"), author: author)
            try s.recordHistory(p, kind: "activity", text: "Pilates twice a week; weekend hiking", author: author)
            try s.recordHistory(p, kind: "occupation", text: "Software developer, full time", ergonomics: "Laptop on a kitchen bench at home; screen below eye level; 9 h/day seated", author: author)
            try s.startVisit(p, reason: "Neck pain radiating to the right temple", date: daysAgo(28), author: author)
            try s.recordPain(p, score: 7, region: "neck", context: "pre", date: daysAgo(28), author: author)
            let tp = try s.recordTriggerPoint(p, muscle: "upper trapezius", side: "right", status: "active", referral: "head", note: "Reproduces temple headache", date: daysAgo(28), author: author)
            try s.recordTriggerPoint(p, muscle: "levator scapulae", side: "right", status: "latent", date: daysAgo(28), author: author)
            try s.recordMeasurement(p, test: "cervical rotation", side: "right", reading: .value(try MeasuredValue(parsing: "55"), unit: nil), note: "Painful at end range",
                                    date: daysAgo(28), author: author)
            try s.recordMeasurement(p, test: "spurling", side: "right", reading: .result("negative"), date: daysAgo(28), author: author)
            try s.recordConsent(p, technique: "dry needling", form: "verbal",
                                risks: "Post-needling soreness, bruising, fainting; pneumothorax (rare, needling near the chest wall)", date: daysAgo(28),
                                author: author)
            let needling = try s.recordTechnique(p, technique: "dry needling", region: "neck", minutes: 10,
                                                 needling: .init(needles: 2, gauge: try NeedleGauge(parsing: "0.25"), depth: 15, twitch: true), date: daysAgo(28), author: author)
            try s.recordTechnique(p, technique: "myofascial release", region: "upper back", minutes: 20, date: daysAgo(28), author: author)
            try s.recordPain(p, score: 5, region: "neck", context: "post", date: daysAgo(28), author: author)
            try s.recordNote(p, .init(subjective: "Right-sided neck pain for 3 weeks, worse after long days at the laptop; temple headaches 3×/week",
                                      objective: "Active TrP R upper trapezius reproducing temple headache; cervical rotation R 55° (painful); Spurling's negative",
                                      assessment: "Myofascial neck pain with tension-type headache; postural load",
                                      plan: "Dry needling and MFR today; ergonomic advice; review in 2 weeks"), date: daysAgo(28), author: author)
            // Outcome measures: the Neck Disability Index and the patient's own three activities (PSFS)
            // at baseline, then at each review.
            let activities = ["Laptop work for an hour", "Shoulder-checking while driving", "Sleeping through the night"]
            func psfs(_ ratings: [Int]) -> [RatedActivity] { zip(activities, ratings).map { RatedActivity(name: $0, rating: $1) } }
            try s.recordOutcome(p, instrument: "ndi", answers: [3, 1, 1, 2, 3, 2, 2, 1, 2, 1], context: "baseline", date: daysAgo(28), author: author)
            try s.recordOutcome(p, instrument: "psfs", answers: [], activities: psfs([3, 4, 5]), context: "baseline", date: daysAgo(28), author: author)
            try s.endVisit(p, note: "Advised raising the screen to eye level; chin tucks 3×10 daily", date: daysAgo(28), author: author)
            try s.startVisit(p, reason: "Review", date: daysAgo(14), author: author)
            try s.recordPain(p, score: 4, region: "neck", context: "pre", date: daysAgo(14), author: author)
            try s.recordAdverseEvent(p, kind: "bruising", severity: "mild", after: IDReference(needling.id), note: "Small bruise over R upper trapezius, gone in 3 days",
                                     date: daysAgo(14), author: author)
            try s.recordMeasurement(p, test: "cervical rotation", side: "right", reading: .value(try MeasuredValue(parsing: "70"), unit: nil), date: daysAgo(14), author: author)
            try s.recordTechnique(p, technique: "trigger point pressure", region: "neck", minutes: 15, date: daysAgo(14), author: author)
            try s.recordTechnique(p, technique: "exercise prescription", region: "neck", note: "Deep neck flexor endurance, 3 sets", date: daysAgo(14), author: author)
            try s.recordPain(p, score: 3, region: "neck", context: "post", date: daysAgo(14), author: author)
            try s.recordOutcome(p, instrument: "ndi", answers: [2, 1, 0, 1, 2, 1, 1, 1, 1, 1], context: "reassessment", date: daysAgo(14), author: author)
            try s.recordOutcome(p, instrument: "psfs", answers: [], activities: psfs([5, 6, 7]), context: "reassessment", date: daysAgo(14), author: author)
            try s.endVisit(p, date: daysAgo(14), author: author)
            // Answered on the clinic's form from home before the next review: at no visit.
            try s.recordOutcome(p, instrument: "ndi", answers: [1, 0, 0, 1, 1, 1, 0, 0, 1, nil], context: "reassessment",
                                note: "Skipped driving: has not driven this week", date: daysAgo(2), author: author)
            try s.recordOutcome(p, instrument: "psfs", answers: [], activities: psfs([7, 8, 8]), context: "reassessment", date: daysAgo(2), author: author)
            try s.resolveTriggerPoint(IDReference(tp.id), note: "No longer palpable; headaches stopped", author: author)

            // Runner with hip and lateral knee pain.
            let liam = try s.register(.init(name: "Liam O'Connor", dateOfBirth: "1995-09-30", phone: "0400 555 202"), author: "frontdesk.jo").patient!
            patients.append((liam, "Liam O'Connor"))
            let q = IDReference(liam)
            try s.recordHistory(q, kind: "surgery", text: "Left ACL reconstruction", date: try HistoryDate("2017-06"), author: author)
            try s.recordHistory(q, kind: "activity", text: "Half-marathon training, 45 km/week", author: author)
            try s.recordHistory(q, kind: "occupation", text: "Electrician", ergonomics: "Kneeling and overhead work; ladder most days", author: author)
            try s.startVisit(q, reason: "Left lateral hip pain when running downhill", date: daysAgo(21), author: author)
            try s.recordPain(q, score: 6, region: "hip", context: "activity", date: daysAgo(21), author: author)
            try s.recordTriggerPoint(q, muscle: "gluteus medius", side: "left", status: "active", referral: "thigh", date: daysAgo(21), author: author)
            try s.recordTriggerPoint(q, muscle: "TFL", side: "left", status: "active", referral: "knee", date: daysAgo(21), author: author)
            try s.recordMeasurement(q, test: "thomas", side: "left", reading: .result("positive"), note: "Tight hip flexors and TFL", date: daysAgo(21), author: author)
            try s.recordMeasurement(q, test: "hip internal rotation", side: "left", reading: .value(try MeasuredValue(parsing: "25"), unit: nil), date: daysAgo(21), author: author)
            try s.recordConsent(q, technique: "cupping", form: "written", risks: "Circular marks for up to 10 days, bruising, skin irritation", date: daysAgo(21), author: author)
            let graze = try s.recordPrecaution(q, kind: "fragile skin", note: "Graze on the left lateral thigh from a fall on a trail run", date: daysAgo(21), author: author)
            try s.recordTechnique(q, technique: "cupping", region: "hip", minutes: 10, note: "Cups placed above the graze", acknowledgePrecautions: true, date: daysAgo(21),
                                  author: author)
            let wrong = try s.recordTechnique(q, technique: "deep tissue massage", region: "thigh", minutes: 25, date: daysAgo(21), author: author)
            try s.recordTechnique(q, technique: "exercise prescription", region: "hip", note: "Side-lying hip abduction 3×15; single-leg bridges", date: daysAgo(21), author: author)
            let pain = try s.recordPain(q, score: 4, region: "hip", context: "post", date: daysAgo(21), author: author)
            try s.endVisit(q, date: daysAgo(21), author: author)
            try s.correct(IDReference(pain.id), fields: ["score": "3"], reason: "Patient re-rated after standing; 3 not 4", author: author)
            try s.correct(IDReference(wrong.id), fields: ["minutes": "15"], reason: "Session was cut short", author: author)
            try s.resolvePrecaution(IDReference(graze.id), note: "Graze healed", author: author)

            // Retiree with low back pain; one entry recorded against her by mistake.
            let ruth = try s.register(.init(name: "Ruth Nguyen", dateOfBirth: "1954-02-03", email: "ruth.nguyen@example.org", address: "12 Smith Street, Fitzroy VIC 3065"), author: "frontdesk.sam").patient!
            patients.append((ruth, "Ruth Nguyen"))
            let r = IDReference(ruth)
            try s.recordHistory(r, kind: "medication", text: "Atorvastatin 20 mg daily", author: author)
            try s.recordHistory(r, kind: "medication", text: "Warfarin 4 mg daily (atrial fibrillation)", author: author)
            try s.recordPrecaution(r, kind: "anticoagulant", note: "Warfarin for atrial fibrillation; INR checked monthly", date: daysAgo(10), author: author)
            try s.recordHistory(r, kind: "illness", text: "Osteoarthritis, both knees", author: author)
            try s.recordHistory(r, kind: "surgery", text: "Right total hip replacement", date: try HistoryDate("2015-03-18"), author: author)
            try s.recordHistory(r, kind: "activity", text: "Lawn bowls; gardening", author: author)
            try s.recordHistory(r, kind: "occupation", text: "Retired primary school teacher", author: author)
            try s.startVisit(r, reason: "Low back pain after gardening", date: daysAgo(10), author: author)
            try s.recordPain(r, score: 8, region: "lower back", context: "rest", date: daysAgo(10), author: author)
            try s.recordTriggerPoint(r, muscle: "QL", side: "bilateral", status: "active", referral: "buttock", date: daysAgo(10), author: author)
            try s.recordTriggerPoint(r, muscle: "erector spinae", side: "left", status: "latent", date: daysAgo(10), author: author)
            try s.recordConsent(r, technique: "dry needling", form: "verbal", risks: "Bruising and bleeding (on warfarin), soreness, fainting", date: daysAgo(10), author: author)
            let mistaken = try s.recordTechnique(r, technique: "dry needling", region: "lower back", acknowledgePrecautions: true, date: daysAgo(10), author: author)
            try s.recordTechnique(r, technique: "heat therapy", region: "lower back", minutes: 10, date: daysAgo(10), author: author)
            try s.recordTechnique(r, technique: "soft tissue manipulation", region: "lower back", minutes: 20, date: daysAgo(10), author: author)
            try s.recordPain(r, score: 6, region: "lower back", context: "post", date: daysAgo(10), author: author)
            try s.endVisit(r, note: "Walking 20 min daily; heat at night", date: daysAgo(10), author: author)
            try s.retract(IDReference(mistaken.id), reason: "Not performed: patient declined needling (on anticoagulant review)", author: author)
            try s.withdrawConsent(r, technique: "dry needling", form: "verbal", note: "Prefers no needling while on warfarin", date: daysAgo(10), author: author)
            try s.updatePatient(r, changes: ["phone": "03 9555 0303"], author: "frontdesk.sam")

            // Student swimmer: first consultation only, treatment planned.
            let aiko = try s.register(.init(name: "Aiko Tanaka", dateOfBirth: "2004-11-08"), author: "frontdesk.sam").patient!
            patients.append((aiko, "Aiko Tanaka"))
            let a = IDReference(aiko)
            try s.recordHistory(a, kind: "activity", text: "Competitive swimmer, 18 h/week, freestyle", author: author)
            try s.recordHistory(a, kind: "occupation", text: "University student", ergonomics: "Studies on a sofa with a laptop", author: author)
            try s.startVisit(a, reason: "Right shoulder pain at the end of training", author: author)
            try s.recordPain(a, score: 5, region: "shoulder", context: "activity", author: author)
            try s.recordTriggerPoint(a, muscle: "infraspinatus", side: "right", status: "active", referral: "shoulder", author: author)
            try s.recordTriggerPoint(a, muscle: "pec minor", side: "right", status: "latent", author: author)
            try s.recordTechnique(a, technique: "myofascial stretching", region: "chest", minutes: 10, author: author)
            try s.recordTechnique(a, technique: "joint mobilisation", region: "shoulder", minutes: 10, author: author)
            try s.recordMeasurement(a, test: "shoulder flexion", side: "right", reading: .value(try MeasuredValue(parsing: "150"), unit: nil), author: author)
            try s.recordMeasurement(a, test: "empty can", side: "right", reading: .result("negative"), author: author)
            try s.recordNote(a, .init(subjective: "Right shoulder ache in the last 20 minutes of training; no night pain",
                                      assessment: "Rotator cuff overload with pectoralis minor tightness",
                                      plan: "Consider dry needling of infraspinatus next visit (consent to discuss); scapular setting exercises"), author: author)
            events = s.transaction.written.count
        }
        return Summary(patients: patients, events: events)
    }
}
