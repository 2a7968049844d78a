import ClinicalEvents
import EventLog
import EventModel

/// Realistic synthetic clinical histories for load tests and benchmarks, deterministic per seed.
///
/// Every event goes through ``ClinicalSession`` — the same checks, hashing and append path as a
/// clinician's write — one transaction per patient.
public struct SyntheticClinic: Sendable {
    public var patients: Int
    public var eventsPerPatient: Int
    public var seed: UInt64

    public init(patients: Int, eventsPerPatient: Int, seed: UInt64 = 1) {
        self.patients = patients
        self.eventsPerPatient = eventsPerPatient
        self.seed = seed
    }

    static let givenNames = ["Olivia", "Noah", "Charlotte", "Jack", "Amelia", "William", "Isla", "Oliver", "Mia", "Leo", "Ava", "Henry", "Grace", "Lucas", "Chloe", "Thomas", "Zara", "Arjun", "Mei", "Tariq"]
    static let familyNames = ["Smith", "Nguyen", "Williams", "Brown", "Wilson", "Taylor", "Martin", "Anderson", "Singh", "Chen", "Kelly", "Walker", "Papadopoulos", "Rossi", "Kaur", "Murphy", "Tanaka", "Hassan", "Novak", "White"]
    static let medications = ["Paracetamol 500 mg as needed", "Ibuprofen 400 mg as needed", "Amitriptyline 10 mg at night", "Atorvastatin 20 mg daily", "Sertraline 50 mg daily"]
    static let illnesses = ["Migraine", "Type 2 diabetes", "Asthma", "Hypothyroidism", "Osteoarthritis of the knee"]
    static let surgeries = ["Appendectomy", "Arthroscopic knee meniscectomy", "Carpal tunnel release", "Caesarean section"]
    static let activities = ["Running 20 km/week", "Tennis twice a week", "Swimming", "Cycling commute", "Yoga", "Netball"]
    static let occupations = [("Nurse", "12-hour shifts on foot; patient transfers"), ("Accountant", "Dual monitors, chair without lumbar support"), ("Chef", "Standing 10 h; repetitive chopping"), ("Courier driver", "6 h/day driving; lifting parcels")]
    static let presentations: [(muscle: Muscle, region: BodyRegion)] = [
        ("upper-trapezius", "neck"), ("levator-scapulae", "neck"), ("quadratus-lumborum", "lower-back"), ("gluteus-medius", "hip"),
        ("piriformis", "buttock"), ("infraspinatus", "shoulder"), ("gastrocnemius", "lower-leg"), ("wrist-extensors", "forearm"),
    ]

    // Terms resolved once, not per event: a generator measuring the write path must not spend
    // its time resolving the same spellings again.
    static let sides: [Side] = ["left", "right", "bilateral"]
    static let manualTechniques: [Technique] = ["dry-needling", "cupping", "trigger-point-pressure", "myofascial-release"]
    static let homeTechniques: [Technique] = ["exercise-prescription", "heat-therapy", "myofascial-stretching", "deep-tissue-massage"]
    static let (active, latent): (TriggerPointStatus, TriggerPointStatus) = ("active", "latent")
    static let (before, after): (PainContext, PainContext) = ("pre", "post")
    static let verbal: ConsentForm = "verbal"
    static let risks = ["dry-needling": "Soreness, bruising, fainting; pneumothorax (rare)", "cupping": "Marks, bruising"]
    static let (soreness, mild): (AdverseEventKind, Severity) = ("pain-flare", "mild")
    static let rangeTests: [String: MeasurementTest] = [
        "neck": "cervical-rotation", "lower-back": "lumbar-flexion", "hip": "hip-internal-rotation", "buttock": "hip-internal-rotation",
        "shoulder": "shoulder-abduction", "lower-leg": "ankle-dorsiflexion", "forearm": "grip-strength",
    ]

    /// A range-of-motion test for the region (grip strength for the forearm), in the test's usual unit.
    static func rangeTest(_ region: BodyRegion) -> MeasurementTest { rangeTests[region.id] ?? "cervical-rotation" }
    static let historyKinds: (medication: HistoryKind, illness: HistoryKind, surgery: HistoryKind, activity: HistoryKind, occupation: HistoryKind) =
        ("medication", "illness", "surgery", "activity", "occupation")

    /// Writes the patients into `record`; `progress` is called after each patient's transaction.
    public func generate(into record: ClinicalRecord, author: String = "generator@myolog", progress: (Int, Int) -> Void = { _, _ in }) throws {
        var rng = SplitMix64(seed: seed)
        var written = 0
        for index in 0..<patients {
            written += try record.write { session in try writePatient(index, session: session, rng: &rng, author: author) }
            progress(index + 1, written)
        }
    }

    private func writePatient(_ index: Int, session s: ClinicalSession, rng generator: inout SplitMix64, author: String) throws -> Int {
        var rng = generator  // a local copy the script's closures can capture
        defer { generator = rng }
        func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }
        let name = "\(pick(Self.givenNames)) \(pick(Self.familyNames))"
        let year = 1940 + Int(rng.next() % 65), month = 1 + Int(rng.next() % 12), day = 1 + Int(rng.next() % 28)
        let dob = CivilDate(year: year, month: month, day: day)!.description
        // Names and dates of birth repeat across thousands of synthetic patients: each is a new person.
        let patient = IDReference(try s.register(.init(name: name, dateOfBirth: dob), newPatient: true, author: author, patientID: .make(using: &rng)).patient!)
        var count = 1
        let (muscle, region) = pick(Self.presentations)
        let side = pick(Self.sides)
        var pain = 5 + Int(rng.next() % 5)
        var script: [() throws -> EventEnvelope] = [
            { try s.recordHistory(patient, kind: Self.historyKinds.medication, text: pick(Self.medications), author: author) },
            { try s.recordHistory(patient, kind: Self.historyKinds.illness, text: pick(Self.illnesses), author: author) },
            { try s.recordHistory(patient, kind: Self.historyKinds.surgery, text: pick(Self.surgeries), date: try HistoryDate(String(2000 + Int(rng.next() % 24))), author: author) },
            { try s.recordHistory(patient, kind: Self.historyKinds.activity, text: pick(Self.activities), author: author) },
            { let job = pick(Self.occupations); return try s.recordHistory(patient, kind: Self.historyKinds.occupation, text: job.0, ergonomics: job.1, author: author) },
        ]
        var lastFinding: EventID?
        var lastScore: (id: EventID, score: Int)?
        var lastManual: EventID?
        // Dry needling and cupping need recorded consent: asked for the first time each is used.
        var consented = Set<String>()
        while count < eventsPerPatient {
            if script.isEmpty {
                // One visit: pain before, a finding, two techniques, pain after (usually lower).
                script = [
                    { try s.startVisit(patient, reason: "Review of \(region) pain", author: author) },
                    { try s.recordPain(patient, score: PainScore(pain)!, region: region, context: Self.before, author: author) },
                    { let e = try s.recordTriggerPoint(patient, muscle: muscle, side: side, status: pain > 4 ? Self.active : Self.latent, referral: region, author: author); lastFinding = e.id; return e },
                    {
                        let technique = pick(Self.manualTechniques)
                        let minutes = TreatmentMinutes(5 + Int(rng.next() % 20))!
                        let apply = { let e = try s.recordTechnique(patient, technique: technique, region: region, minutes: minutes, author: author); lastManual = e.id; return e }
                        guard technique.term.needsConsent, consented.insert(technique.id).inserted else { return try apply() }
                        script.insert(apply, at: 0)
                        return try s.recordConsent(patient, technique: technique, form: Self.verbal, risks: Self.risks[technique.id], author: author)
                    },
                    { try s.recordTechnique(patient, technique: pick(Self.homeTechniques), region: region, minutes: 10, author: author) },
                    { try s.recordMeasurement(patient, test: Self.rangeTest(region), side: side, reading: .value(MeasuredValue(whole: 30 + Int(rng.next() % 60)), unit: nil), author: author) },
                    { pain = max(0, pain - Int(rng.next() % 3)); let e = try s.recordPain(patient, score: PainScore(pain)!, region: region, context: Self.after, author: author); lastScore = (e.id, pain); return e },
                    { try s.recordNote(patient, .init(assessment: "Myofascial \(region.term.display.lowercased()) pain", plan: "Review in 2 weeks"), author: author) },
                    { try s.endVisit(patient, author: author) },
                ]
                if let technique = lastManual, rng.next() % 8 == 0 {
                    script.append({ lastManual = nil; return try s.recordAdverseEvent(patient, kind: Self.soreness, severity: Self.mild, after: IDReference(technique), author: author) })
                }
                if let finding = lastFinding, pain <= 2 {
                    script.append({ lastFinding = nil; return try s.resolveTriggerPoint(IDReference(finding), note: "No longer palpable", author: author) })
                }
                if let score = lastScore, rng.next() % 10 == 0 {
                    script.append({ lastScore = nil; return try s.correct(IDReference(score.id), fields: ["score": String(score.score == 10 ? 9 : score.score + 1)], reason: "Re-rated by patient", author: author) })
                }
            }
            _ = try script.removeFirst()()
            count += 1
        }
        return count
    }
}

/// A small, fast, seedable generator (SplitMix64), so synthetic data is reproducible everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
