/// Myolog's controlled vocabularies. `Schemas/vocabularies.json` is generated from this file
/// (`myolog vocabulary --json`) and a test keeps the two equal.
public enum Vocabularies {
    public static let techniques = Vocabulary(field: "technique", terms: [
        Term("dry-needling", "Dry needling", synonyms: ["needling", "dn"]),
        Term("cupping", "Cupping", synonyms: ["myofascial cupping"]),
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

    /// Every vocabulary, keyed by the name `myolog vocabulary NAME` takes.
    public static let all: [(name: String, vocabulary: Vocabulary)] = [
        ("techniques", techniques), ("muscles", muscles), ("regions", bodyRegions), ("sides", sides),
        ("trigger-point-statuses", triggerPointStatuses), ("pain-contexts", painContexts), ("history-kinds", historyKinds),
    ]
}
