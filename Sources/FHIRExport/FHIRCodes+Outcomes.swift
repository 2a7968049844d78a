import ClinicalEvents
import EventModel

/// The codes of outcome measures. An instrument's own LOINC codes come from its file
/// (`codes.loincScore`, `codes.loincPanel`: only those its author checked on loinc.org, with the
/// page cited in `codes.loincSource`); they are given with system and code but no display, since
/// the file does not carry LOINC's display name and a made-up one would misquote LOINC. Every
/// score also has a code in Myolog's outcome-score CodeSystem (``outcomeScoreSystem``) —
/// `ID-vVERSION-SCORE` (`ndi-v1-total`), and `ID-vVERSION-band-BAND` for a risk band — always
/// given, so that a score reads the same whether or not LOINC has a code for it, and a version
/// whose scoring changed is never confused with the one before.
extension FHIRCodes {
    /// An instrument version's canonical Questionnaire URL, `…/Questionnaire/ndi|1`: Myolog's own
    /// (under `.invalid`), since no published Questionnaire has the linkIds Myolog writes (item
    /// numbers) and an instrument with unlicensed wording must not point at one that carries it.
    public static func questionnaire(_ id: String, version: Int) -> String { "\(questionnaireBase)/\(id)|\(version)" }

    /// The Myolog code of one score of one instrument version.
    public static func outcomeScore(_ instrument: Instrument, _ rule: Instrument.ScoreRule) -> Code {
        let what = rule.id == instrument.primary.id ? "score" : "\(rule.label) subscale"
        return Code(system: outcomeScoreSystem, code: "\(instrument.id)-v\(instrument.version)-\(rule.id)",
                    display: "\(instrument.name) (\(instrument.abbreviation) v\(instrument.version)) \(what)")
    }

    /// The Myolog code of a risk band of one instrument version.
    public static func outcomeBand(_ instrument: Instrument, _ band: Instrument.Band) -> Code {
        Code(system: outcomeScoreSystem, code: "\(instrument.id)-v\(instrument.version)-band-\(band.id)",
             display: "\(instrument.abbreviation) v\(instrument.version): \(band.label)")
    }

    /// The LOINC coding of the instrument's own score, from its file; nil when it has none.
    public static func loincScore(_ instrument: Instrument) -> JSONValue? {
        instrument.codes["loincScore"].map { ["system": .string(loinc), "code": .string($0)] }
    }

    /// A score's code: LOINC (the instrument's own score only, where its file has the code),
    /// then always Myolog's.
    public static func outcomeScoreConcept(_ instrument: Instrument, _ rule: Instrument.ScoreRule) -> JSONValue {
        let own = outcomeScore(instrument, rule)
        let loinc = rule.id == instrument.primary.id ? loincScore(instrument) : nil
        return ["coding": .array((loinc.map { [$0] } ?? []) + [own.coding]), "text": .string(own.display)]
    }

    /// Every score and band code of every instrument this Myolog knows, by instrument then version.
    public static var outcomeCodes: [Code] {
        Instruments.all.flatMap { instrument in instrument.scores.map { outcomeScore(instrument, $0) } + instrument.bands.map { outcomeBand(instrument, $0) } }
    }

    /// Myolog's outcome-score CodeSystem (R4), complete for the instruments this Myolog knows.
    public static var outcomeScoreCodeSystem: JSONValue {
        completeCodeSystem(id: "outcome-score", url: outcomeScoreSystem, name: "MyologOutcomeScores", title: "Myolog codes for the scores and risk bands of outcome measures",
                           description: "One code per score (the instrument's own and each subscale) and per risk band of each instrument version Myolog scores: ID-vVERSION-SCORE and ID-vVERSION-band-BAND. The scoring rules are the instrument files' (Schemas/instrument.schema.json).",
                           codes: outcomeCodes)
    }

    /// The review table's part for outcome measures: the Questionnaire URL of each instrument
    /// version, its LOINC codes, the outcome-score CodeSystem and the UCUM units of scores.
    static var outcomesDocument: JSONValue {
        [
            "questionnaires": .array(Instruments.all.map { instrument in
                var members: [String: JSONValue] = ["instrument": .string(instrument.reference), "url": .string(questionnaire(instrument.id, version: instrument.version))]
                if let panel = instrument.codes["loincPanel"] { members["loincPanel"] = ["system": .string(loinc), "code": .string(panel)] }
                if let score = loincScore(instrument) { members["loincScore"] = score }
                return .object(members)
            }),
            "scores": outcomeScoreCodeSystem,
            "units": .array(ScoreQuantity.units.map { ["system": .string(ucum), "code": .string($0.code), "display": .string($0.display)] }),
        ]
    }
}
