/// Which techniques an active precaution cautions or contraindicates, and which medicines make
/// a patient's history suggest the `anticoagulant` precaution. Data, in one place.
///
/// Sources:
/// - ASAP: Australian Society of Acupuncture Physiotherapists, *Guidelines for safe acupuncture
///   and dry needling practice* (2013; revised 2017). Its absolute contraindications to needling
///   include needle phobia and needling into a limb with lymphoedema; its relative ones (to
///   needle only with care and adjustment) include abnormal bleeding tendency (anticoagulants,
///   bleeding disorders), a compromised immune system, diabetes, pregnancy, epilepsy, metal
///   allergy, and electro-acupuncture near a pacemaker or other implanted electrical device.
/// - MAA: Myotherapy Association Australia, guidance on case history, contraindications and
///   informed consent for massage, cupping and myofascial techniques.
/// - CLINIC: conservative clinic practice — what careful clinics do where the sources above do
///   not set a rule for this technique. Said so on each such rule, so nobody reads it as a
///   published guideline.
///
/// A `caution` alerts the clinician, who may go ahead with care; a `contraindication` says do
/// not. Myolog treats both alike when recording: the technique needs `acknowledgedPrecautions`
/// — the clinician has seen the alert and takes responsibility — because a contraindication in
/// one limb (lymphoedema) does not forbid the technique elsewhere.
public enum PrecautionRules {
    /// How strongly a precaution speaks against a technique.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        /// Go ahead with care and adjustment.
        case caution
        /// Do not apply it (where the condition applies).
        case contraindication
    }

    /// One rule: a precaution kind, a technique, how strongly, and why (with its source).
    public struct Rule: Sendable, Hashable {
        /// A ``Vocabularies/precautionKinds`` term.
        public let precaution: String
        /// A ``Vocabularies/techniques`` term.
        public let technique: String
        public let level: Level
        public let reason: String

        init(_ precaution: String, _ technique: String, _ level: Level, _ reason: String) {
            (self.precaution, self.technique, self.level, self.reason) = (precaution, technique, level, reason)
        }
    }

    /// Every rule. Electrical stimulation (electro-acupuncture, TENS), which ASAP contraindicates
    /// with a pacemaker, is not in the techniques vocabulary, so that rule has nothing to fire on;
    /// the pacemaker rules below are the conservative ones for what is.
    public static let rules: [Rule] = [
        Rule("anticoagulant", "dry-needling", .caution, "bleeding and bruising: shallower needling, fewer needles, firm pressure after (ASAP)"),
        Rule("anticoagulant", "cupping", .caution, "bruising and bleeding under the cups (MAA)"),
        Rule("anticoagulant", "deep-tissue-massage", .caution, "bruising under deep pressure (MAA)"),
        Rule("anticoagulant", "trigger-point-pressure", .caution, "bruising under sustained pressure (CLINIC)"),
        Rule("bleeding-disorder", "dry-needling", .caution, "abnormal bleeding tendency (ASAP)"),
        Rule("bleeding-disorder", "cupping", .caution, "bleeding and bruising under the cups (MAA)"),
        Rule("bleeding-disorder", "deep-tissue-massage", .caution, "bruising under deep pressure (MAA)"),
        Rule("pregnancy", "dry-needling", .caution, "certain points avoided, especially in the first trimester (ASAP)"),
        Rule("pregnancy", "cupping", .caution, "not over the abdomen or lower back (CLINIC)"),
        Rule("pregnancy", "deep-tissue-massage", .caution, "positioning, and no deep work over the abdomen or calves (CLINIC)"),
        Rule("pacemaker", "dry-needling", .caution, "no needling over the device, no electrical stimulation (ASAP; needling over the device site: CLINIC)"),
        Rule("pacemaker", "heat-therapy", .caution, "no heat over the device site (CLINIC)"),
        Rule("diabetes", "dry-needling", .caution, "slower healing and infection risk; check for neuropathy (ASAP)"),
        Rule("diabetes", "cupping", .caution, "fragile skin and slower healing (CLINIC)"),
        Rule("diabetes", "heat-therapy", .caution, "reduced sensation: risk of burns (MAA)"),
        Rule("diabetes", "cold-therapy", .caution, "reduced sensation and circulation: risk of cold injury (MAA)"),
        Rule("lymphoedema", "dry-needling", .contraindication, "no needling into the affected limb or quadrant (ASAP)"),
        Rule("lymphoedema", "cupping", .contraindication, "not on the affected limb or quadrant: skin trauma and infection risk (CLINIC)"),
        Rule("lymphoedema", "deep-tissue-massage", .caution, "no deep pressure on the affected limb (MAA)"),
        Rule("lymphoedema", "heat-therapy", .caution, "heat increases swelling in the affected limb (CLINIC)"),
        Rule("recent-surgery", "dry-needling", .caution, "not over or near the operated site until healed (CLINIC)"),
        Rule("recent-surgery", "cupping", .caution, "not over or near the operated site until healed (CLINIC)"),
        Rule("recent-surgery", "deep-tissue-massage", .caution, "not over or near the operated site until healed (CLINIC)"),
        Rule("recent-surgery", "joint-mobilisation", .caution, "the operated joint only as the surgeon allows (CLINIC)"),
        Rule("immunosuppression", "dry-needling", .caution, "infection risk: strict asepsis (ASAP)"),
        Rule("immunosuppression", "cupping", .caution, "infection risk where the skin is marked (CLINIC)"),
        Rule("epilepsy", "dry-needling", .caution, "a seizure with needles in place; not needled alone or unobserved (ASAP)"),
        Rule("needle-phobia", "dry-needling", .contraindication, "needle phobia (ASAP)"),
        Rule("metal-allergy", "dry-needling", .caution, "nickel or chromium in the needles (ASAP)"),
        Rule("active-malignancy", "dry-needling", .caution, "not over or near a tumour site; check with the treating team (CLINIC)"),
        Rule("active-malignancy", "cupping", .caution, "not over or near a tumour site (CLINIC)"),
        Rule("active-malignancy", "deep-tissue-massage", .caution, "not over or near a tumour site; check with the treating team (MAA)"),
        Rule("active-malignancy", "heat-therapy", .caution, "not over a tumour site (CLINIC)"),
        Rule("osteoporosis", "joint-mobilisation", .caution, "fracture risk: gentle grades only (CLINIC)"),
        Rule("osteoporosis", "deep-tissue-massage", .caution, "fracture risk under deep pressure over the ribs and spine (CLINIC)"),
        Rule("dvt-history", "deep-tissue-massage", .contraindication, "no deep work on a limb with a current or suspected clot (MAA)"),
        Rule("dvt-history", "cupping", .caution, "not on the affected limb (CLINIC)"),
        Rule("dvt-history", "heat-therapy", .caution, "not on the affected limb (CLINIC)"),
        Rule("reduced-sensation", "heat-therapy", .caution, "the patient cannot feel a burn coming (MAA)"),
        Rule("reduced-sensation", "cold-therapy", .caution, "the patient cannot feel cold injury coming (MAA)"),
        Rule("skin-condition", "cupping", .contraindication, "not over broken, fragile or inflamed skin (MAA)"),
        Rule("skin-condition", "dry-needling", .caution, "not through broken or inflamed skin (ASAP)"),
        Rule("skin-condition", "taping", .caution, "adhesive on fragile skin (CLINIC)"),
    ]

    /// The rules that speak against `technique` for a precaution of `kind`.
    public static func rule(precaution kind: String, technique: String) -> Rule? {
        rules.first { $0.precaution == kind && $0.technique == technique }
    }

    /// Anticoagulant and antiplatelet medicines, generic name first, then brand names sold in
    /// Australia (and a few elsewhere). Aspirin is left out on purpose: it is mostly taken as a
    /// painkiller, so naming it would suggest the precaution for every headache; a clinician who
    /// learns it is taken daily as an antiplatelet records the precaution by hand.
    public static let anticoagulants: [(generic: String, brands: [String])] = [
        ("warfarin", ["coumadin", "marevan", "jantoven"]),
        ("apixaban", ["eliquis"]),
        ("rivaroxaban", ["xarelto"]),
        ("dabigatran", ["pradaxa", "pradax"]),
        ("edoxaban", ["lixiana", "savaysa"]),
        ("heparin", []),
        ("enoxaparin", ["clexane", "lovenox"]),
        ("dalteparin", ["fragmin"]),
        ("clopidogrel", ["plavix", "iscover"]),
        ("prasugrel", ["effient"]),
        ("ticagrelor", ["brilinta"]),
        ("dipyridamole", ["persantin", "asasantin"]),
        ("phenindione", ["dindevan"]),
    ]

    /// The anticoagulant `text` names (by its generic name, whichever spelling was written), or
    /// nil. Whole words only, case-insensitively: `Xarelto 20mg` names rivaroxaban.
    public static func anticoagulant(namedIn text: String) -> String? {
        let words = Set(text.lowercased().split { !$0.isLetter }.map(String.init))
        return anticoagulants.first { !words.isDisjoint(with: [$0.generic] + $0.brands) }?.generic
    }
}
