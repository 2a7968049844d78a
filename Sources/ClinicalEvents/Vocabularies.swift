/// Myolog's controlled vocabularies. `Schemas/vocabularies.json` is generated from this file
/// (`myolog vocabulary --json`) and a test keeps the two equal.
public enum Vocabularies {
    public static let techniques = Vocabulary(field: "technique", terms: [
        Term("dry-needling", "Dry needling", synonyms: ["needling", "dn"], consent: Self.dryNeedlingConsent),
        Term("cupping", "Cupping", synonyms: ["myofascial cupping"], consent: Self.cuppingConsent),
        Term("joint-mobilisation", "Joint mobilisation", synonyms: ["joint mobilization", "mobilisation", "mobilization"]),
        Term("soft-tissue-manipulation", "Soft tissue manipulation", synonyms: ["soft tissue", "stm"]),
        Term("myofascial-release", "Myofascial release", synonyms: ["mfr"]),
        Term("myofascial-stretching", "Myofascial stretching", synonyms: ["stretching"]),
        Term("heat-therapy", "Heat therapy", synonyms: ["hot therapy", "heat", "thermotherapy"]),
        Term("cold-therapy", "Cold therapy", synonyms: ["cold", "cryotherapy", "ice"]),
        Term("deep-tissue-massage", "Deep tissue massage", synonyms: ["deep tissue", "dtm"]),
        Term("trigger-point-pressure", "Trigger point pressure", synonyms: ["ischaemic compression", "ischemic compression", "trigger point therapy"]),
        Term("exercise-prescription", "Exercise prescription", synonyms: ["exercise", "home exercise program", "hep"]),
        Term("muscle-energy-technique", "Muscle energy technique", synonyms: ["met"]),
        Term("taping", "Taping", synonyms: ["kinesio taping", "k-tape"]),
    ])

    /// Why dry needling is not applied without recorded consent. The Australian Society of
    /// Acupuncture Physiotherapists' *Guidelines for safe acupuncture and dry needling practice*
    /// (2013; revised 2017) ask for informed consent, verbal or written and recorded in the notes,
    /// before needling, the patient told of the common and the serious risks.
    static let dryNeedlingConsent =
        "invasive: needles inserted through the skin; risks include bruising, bleeding, post-needling soreness, fainting, infection, a broken needle and, over the thorax, pneumothorax (ASAP Guidelines for safe acupuncture and dry needling practice, 2013/2017)"
    /// Why cupping is not applied without recorded consent: it leaves marks that people mistake
    /// for injury, and can bruise, blister or burn (fire cupping); Myotherapy Association
    /// Australia's guidance asks for informed consent before any technique with such risks.
    static let cuppingConsent =
        "leaves circular marks and can bruise, blister or cause a skin reaction (or burn, with fire cupping) (Myotherapy Association Australia practice guidance on informed consent)"

    /// Commonly treated muscles. SNOMED CT body-structure codes are given only where a published
    /// FHIR implementation guide was found using them; the rest are left without one on purpose.
    public static let muscles = Vocabulary(field: "muscle", terms: [
        Term("upper-trapezius", "Upper trapezius", synonyms: ["upper traps", "traps"], snomed: "31764008"),
        Term("middle-trapezius", "Middle trapezius", synonyms: ["mid traps"]),
        Term("lower-trapezius", "Lower trapezius", synonyms: ["lower traps"]),
        Term("levator-scapulae", "Levator scapulae", synonyms: ["levator"]),
        Term("rhomboid-major", "Rhomboid major"),
        Term("rhomboid-minor", "Rhomboid minor"),
        Term("sternocleidomastoid", "Sternocleidomastoid", synonyms: ["scm"]),
        Term("scalenes", "Scalenes", synonyms: ["scalene"]),
        Term("splenius-capitis", "Splenius capitis"),
        Term("suboccipitals", "Suboccipitals", synonyms: ["suboccipital"]),
        Term("masseter", "Masseter"),
        Term("temporalis", "Temporalis"),
        Term("pectoralis-major", "Pectoralis major", synonyms: ["pec major"]),
        Term("pectoralis-minor", "Pectoralis minor", synonyms: ["pec minor"]),
        Term("serratus-anterior", "Serratus anterior"),
        Term("latissimus-dorsi", "Latissimus dorsi", synonyms: ["lats", "lat"]),
        Term("supraspinatus", "Supraspinatus"),
        Term("infraspinatus", "Infraspinatus"),
        Term("teres-minor", "Teres minor"),
        Term("teres-major", "Teres major"),
        Term("subscapularis", "Subscapularis"),
        Term("deltoid", "Deltoid"),
        Term("biceps-brachii", "Biceps brachii", synonyms: ["biceps"]),
        Term("triceps-brachii", "Triceps brachii", synonyms: ["triceps"]),
        Term("wrist-extensors", "Wrist extensors", synonyms: ["forearm extensors"]),
        Term("wrist-flexors", "Wrist flexors", synonyms: ["forearm flexors"]),
        Term("erector-spinae", "Erector spinae", synonyms: ["erectors", "paraspinals"], snomed: "44947003"),
        Term("multifidus", "Multifidus"),
        Term("quadratus-lumborum", "Quadratus lumborum", synonyms: ["ql"]),
        Term("iliopsoas", "Iliopsoas", synonyms: ["psoas", "hip flexors"], snomed: "68455001"),
        Term("rectus-abdominis", "Rectus abdominis"),
        Term("gluteus-maximus", "Gluteus maximus", synonyms: ["glute max"], snomed: "206007"),
        Term("gluteus-medius", "Gluteus medius", synonyms: ["glute med"], snomed: "78333006"),
        Term("gluteus-minimus", "Gluteus minimus", synonyms: ["glute min"]),
        Term("piriformis", "Piriformis"),
        Term("tensor-fasciae-latae", "Tensor fasciae latae", synonyms: ["tfl"]),
        Term("adductor-magnus", "Adductor magnus", synonyms: ["adductors"]),
        Term("rectus-femoris", "Rectus femoris"),
        Term("vastus-lateralis", "Vastus lateralis", snomed: "1403006"),
        Term("vastus-medialis", "Vastus medialis", synonyms: ["vmo"]),
        Term("hamstrings", "Hamstrings", synonyms: ["hamstring"]),
        Term("gastrocnemius", "Gastrocnemius", synonyms: ["gastroc", "calf"]),
        Term("soleus", "Soleus"),
        Term("tibialis-anterior", "Tibialis anterior", synonyms: ["tib ant"]),
        Term("peroneus-longus", "Peroneus longus", synonyms: ["fibularis longus"]),
        Term("plantar-intrinsics", "Plantar intrinsic muscles", synonyms: ["foot intrinsics"]),
    ])

    public static let bodyRegions = Vocabulary(field: "region", terms: [
        Term("head", "Head"),
        Term("jaw", "Jaw", synonyms: ["tmj"]),
        Term("neck", "Neck", synonyms: ["cervical"]),
        Term("shoulder", "Shoulder"),
        Term("upper-back", "Upper back", synonyms: ["thoracic"]),
        Term("mid-back", "Mid back", synonyms: ["middle back"]),
        Term("lower-back", "Lower back", synonyms: ["lumbar", "low back"]),
        Term("chest", "Chest"),
        Term("abdomen", "Abdomen"),
        Term("upper-arm", "Upper arm", synonyms: ["arm"]),
        Term("elbow", "Elbow"),
        Term("forearm", "Forearm"),
        Term("wrist", "Wrist"),
        Term("hand", "Hand"),
        Term("pelvis", "Pelvis", synonyms: ["sacroiliac", "si joint"]),
        Term("hip", "Hip"),
        Term("buttock", "Buttock", synonyms: ["gluteal"]),
        Term("groin", "Groin"),
        Term("thigh", "Thigh"),
        Term("knee", "Knee"),
        Term("lower-leg", "Lower leg", synonyms: ["shin", "leg"]),
        Term("ankle", "Ankle"),
        Term("foot", "Foot"),
    ])

    public static let sides = Vocabulary(field: "side", terms: [
        Term("left", "Left", synonyms: ["l"], snomed: "7771000"),
        Term("right", "Right", synonyms: ["r"], snomed: "24028007"),
        Term("bilateral", "Bilateral", synonyms: ["both", "b"]),
    ])

    public static let triggerPointStatuses = Vocabulary(field: "status", terms: [
        Term("active", "Active"),
        Term("latent", "Latent"),
    ])

    public static let painContexts = Vocabulary(field: "context", terms: [
        Term("pre", "Before treatment", synonyms: ["before", "pre-treatment"]),
        Term("post", "After treatment", synonyms: ["after", "post-treatment"]),
        Term("rest", "At rest"),
        Term("activity", "During activity", synonyms: ["movement"]),
    ])

    public static let historyKinds = Vocabulary(field: "kind", terms: [
        Term("medication", "Medication", synonyms: ["medications", "med", "meds"]),
        Term("illness", "Illness", synonyms: ["illnesses", "condition"]),
        Term("surgery", "Surgery", synonyms: ["surgeries", "operation"]),
        Term("activity", "Sport or activity", synonyms: ["activities", "sport", "sports"]),
        Term("occupation", "Occupation", synonyms: ["work", "job"]),
    ])

    /// How a consent decision was given or withdrawn.
    public static let consentForms = Vocabulary(field: "form", terms: [
        Term("verbal", "Verbal", synonyms: ["oral", "spoken"]),
        Term("written", "Written", synonyms: ["signed", "form"]),
    ])

    /// A consent decision: given, or withdrawn (a later decision replaces an earlier one).
    public static let consentDecisions = Vocabulary(field: "decision", terms: [
        Term("given", "Given", synonyms: ["granted", "yes"]),
        Term("withdrawn", "Withdrawn", synonyms: ["refused", "revoked", "no"]),
    ])

    /// What a clinician keeps in mind before treating: conditions, medicines and devices that make
    /// some techniques a caution or a contraindication (``PrecautionRules`` says which).
    public static let precautionKinds = Vocabulary(field: "kind", terms: [
        Term("anticoagulant", "Anticoagulant or antiplatelet medicine", synonyms: ["blood thinner", "blood thinners", "warfarin"]),
        Term("bleeding-disorder", "Bleeding disorder", synonyms: ["haemophilia", "hemophilia", "bleeding tendency"]),
        Term("pregnancy", "Pregnancy", synonyms: ["pregnant"]),
        Term("pacemaker", "Pacemaker or implanted electrical device", synonyms: ["implanted device", "icd", "defibrillator"]),
        Term("diabetes", "Diabetes", synonyms: ["diabetic"]),
        Term("lymphoedema", "Lymphoedema", synonyms: ["lymphedema"]),
        Term("recent-surgery", "Recent surgery", synonyms: ["post-operative", "post-op"]),
        Term("immunosuppression", "Immunosuppression", synonyms: ["immunocompromised", "immunosuppressed"]),
        Term("epilepsy", "Epilepsy", synonyms: ["seizures", "seizure disorder"]),
        Term("needle-phobia", "Needle phobia", synonyms: ["fear of needles"]),
        Term("metal-allergy", "Metal allergy", synonyms: ["nickel allergy"]),
        Term("active-malignancy", "Active malignancy", synonyms: ["cancer", "malignancy"]),
        Term("osteoporosis", "Osteoporosis", synonyms: ["osteopenia"]),
        Term("dvt-history", "Deep vein thrombosis (history)", synonyms: ["dvt", "deep vein thrombosis", "blood clot"]),
        Term("reduced-sensation", "Reduced sensation", synonyms: ["peripheral neuropathy", "neuropathy", "numbness"]),
        Term("skin-condition", "Fragile or broken skin", synonyms: ["fragile skin", "broken skin", "dermatitis"]),
    ])

    /// What can go wrong after treatment, as myotherapists report it.
    public static let adverseEventKinds = Vocabulary(field: "kind", terms: [
        Term("bruising", "Bruising", synonyms: ["bruise", "haematoma", "hematoma"]),
        Term("bleeding", "Bleeding"),
        Term("pain-flare", "Pain flare", synonyms: ["post-treatment soreness", "soreness", "flare"]),
        Term("fainting", "Fainting", synonyms: ["syncope", "vasovagal", "faint"]),
        Term("nausea", "Nausea", synonyms: ["dizziness", "light-headedness"]),
        Term("suspected-pneumothorax", "Suspected pneumothorax", synonyms: ["pneumothorax"]),
        Term("broken-needle", "Broken or retained needle", synonyms: ["retained needle", "forgotten needle"]),
        Term("burn", "Burn", synonyms: ["blister"]),
        Term("skin-reaction", "Skin reaction", synonyms: ["rash", "allergic reaction"]),
        Term("nerve-irritation", "Nerve irritation", synonyms: ["paraesthesia", "paresthesia", "pins and needles"]),
        Term("infection", "Local infection", synonyms: ["infected site"]),
        Term("fatigue", "Fatigue or drowsiness", synonyms: ["drowsiness", "tiredness"]),
    ])

    /// How bad an adverse event was: mild (no treatment needed), moderate (treated or activity
    /// limited), severe (medical care sought, or lasting harm).
    public static let severities = Vocabulary(field: "severity", terms: [
        Term("mild", "Mild"),
        Term("moderate", "Moderate"),
        Term("severe", "Severe", synonyms: ["serious"]),
    ])

    /// Units a measurement is taken in.
    public static let measurementUnits = Vocabulary(field: "unit", terms: [
        Term("deg", "degrees", synonyms: ["degree", "degrees", "°"]),
        Term("cm", "centimetres", synonyms: ["centimetre", "centimetres", "centimeter", "centimeters"]),
        Term("kg", "kilograms", synonyms: ["kilogram", "kilograms", "kgs"]),
        Term("s", "seconds", synonyms: ["sec", "second", "seconds"]),
    ])

    /// The result of a special (provocation) test.
    public static let testResults = Vocabulary(field: "result", terms: [
        Term("positive", "Positive", synonyms: ["pos"]),
        Term("negative", "Negative", synonyms: ["neg"]),
    ])

    /// When an outcome measure was answered: at the start of an episode of care, at a
    /// reassessment, or at discharge. A course's change is judged from its baseline.
    public static let outcomeContexts = Vocabulary(field: "context", terms: [
        Term("baseline", "Baseline", synonyms: ["initial", "intake"]),
        Term("reassessment", "Reassessment", synonyms: ["review", "follow-up", "followup"]),
        Term("discharge", "Discharge", synonyms: ["final"]),
    ])

    /// Common objective tests: ranges of motion and strength, taken as a value in one of the
    /// term's ``Term/units``, and special tests (no units), whose result is positive or negative.
    public static let measurementTests = Vocabulary(field: "test", terms: [
        Term("cervical-rotation", "Cervical rotation", synonyms: ["neck rotation"], units: ["deg"]),
        Term("cervical-flexion", "Cervical flexion", synonyms: ["neck flexion"], units: ["deg", "cm"]),
        Term("cervical-extension", "Cervical extension", synonyms: ["neck extension"], units: ["deg"]),
        Term("cervical-lateral-flexion", "Cervical lateral flexion", synonyms: ["neck side bending"], units: ["deg"]),
        Term("shoulder-flexion", "Shoulder flexion", units: ["deg"]),
        Term("shoulder-abduction", "Shoulder abduction", units: ["deg"]),
        Term("shoulder-external-rotation", "Shoulder external rotation", units: ["deg"]),
        Term("shoulder-internal-rotation", "Shoulder internal rotation", units: ["deg"]),
        Term("lumbar-flexion", "Lumbar flexion", synonyms: ["forward bend", "fingertip to floor"], units: ["deg", "cm"]),
        Term("lumbar-extension", "Lumbar extension", units: ["deg"]),
        Term("hip-flexion", "Hip flexion", units: ["deg"]),
        Term("hip-internal-rotation", "Hip internal rotation", units: ["deg"]),
        Term("hip-external-rotation", "Hip external rotation", units: ["deg"]),
        Term("knee-flexion", "Knee flexion", units: ["deg"]),
        Term("knee-extension", "Knee extension", units: ["deg"]),
        Term("ankle-dorsiflexion", "Ankle dorsiflexion", synonyms: ["knee to wall"], units: ["deg", "cm"]),
        Term("slr", "Straight leg raise", synonyms: ["straight leg raise", "lasegue"], units: ["deg"]),
        Term("grip-strength", "Grip strength", synonyms: ["grip", "dynamometer"], units: ["kg"]),
        Term("plank-hold", "Plank hold", synonyms: ["plank"], units: ["s"]),
        Term("slump", "Slump test", synonyms: ["slump test"]),
        Term("spurling", "Spurling's test", synonyms: ["spurlings", "spurling test", "foraminal compression"]),
        Term("faber", "FABER (Patrick's) test", synonyms: ["patrick", "patricks test", "figure four"]),
        Term("thomas", "Thomas test", synonyms: ["thomas test"]),
        Term("empty-can", "Empty can (Jobe's) test", synonyms: ["jobe", "empty can"]),
        Term("hawkins-kennedy", "Hawkins–Kennedy test", synonyms: ["hawkins"]),
        Term("phalen", "Phalen's test", synonyms: ["phalens"]),
        Term("ober", "Ober's test", synonyms: ["obers"]),
    ])

    /// Every vocabulary, keyed by the name `myolog vocabulary NAME` takes.
    public static let all: [(name: String, vocabulary: Vocabulary)] = [
        ("techniques", techniques), ("muscles", muscles), ("regions", bodyRegions), ("sides", sides),
        ("trigger-point-statuses", triggerPointStatuses), ("pain-contexts", painContexts), ("history-kinds", historyKinds),
        ("consent-forms", consentForms), ("consent-decisions", consentDecisions), ("precaution-kinds", precautionKinds),
        ("adverse-event-kinds", adverseEventKinds), ("severities", severities), ("measurement-tests", measurementTests),
        ("measurement-units", measurementUnits), ("test-results", testResults), ("outcome-contexts", outcomeContexts),
    ]
}
