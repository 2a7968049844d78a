import ClinicalEvents
import EventLog
import Foundation
import Testing
import EventModel

@Suite("Controlled vocabularies")
struct VocabularyTests {
    @Test("spellings resolve to the canonical term", arguments: [
        ("Upper Trapezius", "upper-trapezius"), ("upper_trapezius", "upper-trapezius"), ("  UPPER-trapezius ", "upper-trapezius"),
        ("QL", "quadratus-lumborum"), ("glute med", "gluteus-medius"), ("SCM", "sternocleidomastoid"),
    ])
    func muscles(input: String, expected: String) throws {
        #expect(try Vocabularies.muscles.resolve(input).id == expected)
    }

    @Test("an unknown term names the field and lists what is accepted")
    func unknown() {
        do {
            _ = try Vocabularies.techniques.resolve("reiki")
            Issue.record("reiki was accepted")
        } catch let error as ClinicalError {
            #expect(error.code == .invalidField)
            #expect(error.description.hasPrefix("technique: \"reiki\" is not accepted; accepted: dry-needling, cupping"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("the required terms are present")
    func required() {
        let techniques = Set(Vocabularies.techniques.terms.map(\.id))
        for id in ["dry-needling", "cupping", "joint-mobilisation", "soft-tissue-manipulation", "myofascial-release", "myofascial-stretching",
                   "heat-therapy", "cold-therapy", "deep-tissue-massage", "trigger-point-pressure", "exercise-prescription"] {
            #expect(techniques.contains(id), "\(id)")
        }
        #expect(Vocabularies.muscles.terms.count >= 40)
        for id in ["upper-trapezius", "levator-scapulae", "quadratus-lumborum", "gluteus-medius", "infraspinatus", "piriformis"] {
            #expect(Vocabularies.muscles.term(id: id) != nil, "\(id)")
        }
        #expect(Vocabularies.muscles.term(id: "upper-trapezius")?.snomed == "31764008")
        #expect(Vocabularies.muscles.term(id: "gluteus-medius")?.snomed == "78333006")
    }

    @Test("every canonical id is lower-case words joined by hyphens")
    func canonicalIDs() {
        for (_, vocabulary) in Vocabularies.all {
            for term in vocabulary.terms {
                #expect(term.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(term.id)")
                #expect(term.id == term.id.trimmingCharacters(in: CharacterSet(charactersIn: "-")))
            }
        }
    }

    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas")

    @Test("Schemas/vocabularies.json and Schemas/terms.schema.json are exactly what the code generates")
    func schemaFilesMatchCode() throws {
        let vocabularies = try JSONParser.parse(Array(try Data(contentsOf: Self.schemas.appendingPathComponent("vocabularies.json"))))
        #expect(vocabularies == VocabularyDocument.json(), "regenerate with: swift run myolog vocabulary --json > Schemas/vocabularies.json")
        let terms = try JSONParser.parse(Array(try Data(contentsOf: Self.schemas.appendingPathComponent("terms.schema.json"))))
        #expect(terms == VocabularyDocument.termsSchema(), "regenerate with: swift run myolog vocabulary --json-schema > Schemas/terms.schema.json")
    }

    @Test("every event type at its current version has a payload schema")
    func payloadSchemasExist() {
        for type in ClinicalEvent.payloadTypes {
            for version in 1...type.schemaVersion {
                let path = Self.schemas.appendingPathComponent("payloads/\(type.eventType).v\(version).schema.json").path
                #expect(FileManager.default.fileExists(atPath: path), "\(path)")
            }
        }
    }
}
