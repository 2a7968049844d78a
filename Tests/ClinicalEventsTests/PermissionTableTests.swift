import ClinicalEvents
import ClinicalLog
import EventModel
import Foundation
import Testing

@Suite("The permission table")
struct PermissionTableTests {
    @Test("Schemas/permissions.json is exactly what the code generates")
    func documentMatchesCode() throws {
        let stored = try JSONParser.parse(Array(try Data(contentsOf: VocabularyTests.schemas.appendingPathComponent("permissions.json"))))
        #expect(stored == PermissionDocument.json(), "regenerate with: swift run myolog user roles --json > Schemas/permissions.json")
    }

    @Test("the role vocabulary is exactly the issue's six, spelt as stored")
    func vocabulary() {
        #expect(Role.allCases.map(\.rawValue) == ["therapist", "student", "front-desk", "practice-manager", "privacy-officer", "auditor"])
        #expect(Set(Permissions.preference) == Set(Role.allCases) && Permissions.preference.count == Role.allCases.count)
        #expect(Set(Permissions.table.keys) == Set(Role.allCases))
        #expect(Role.known(["therapist", "surgeon", "auditor"]) == [.therapist, .auditor])
    }

    @Test("every event type a person writes has exactly one permission, and node-only types none")
    func everyEventTypeIsMapped() throws {
        let written = ClinicalEvent.payloadTypes.map { $0.eventType } + [RecordAccessed.eventType]
        for type in written {
            let mapped = Permissions.eventPermissions[type] != nil
            let nodeOnly = Permissions.nodeAuthored.contains(type)
            #expect(mapped != nodeOnly, "\(type): mapped \(mapped), node-only \(nodeOnly)")
        }
        for type in ["VisitSignedOff", "EntryCoSigned", "LateEntryRuleSet", "UserAdded", "UserRoleGranted", "UserRoleRevoked", "UserRemoved", "UserKeyRotated"] {
            #expect(Permissions.eventPermissions[type] != nil, "\(type)")
        }
        #expect(Permissions.eventPermissions["UserAdded"] == .manageUsers)
        #expect(Permissions.eventPermissions["VisitSignedOff"] == .signOffVisits)
        #expect(Permissions.eventPermissions["EntryCoSigned"] == .coSignEntries)
        #expect(Permissions.eventPermissions["LateEntryRuleSet"] == .configureSite)
        #expect(Permissions.eventPermissions[PatientErased.eventType] == .eraseRecords)
        #expect(try Permissions.requirement(forType: SystemEventType.erasureAcknowledged, payload: .object([:]), by: "jo") == .nodeOnly)
        do {
            _ = try Permissions.requirement(forType: "PatientTeleported", payload: .object([:]), by: "jo")
            Issue.record("an unknown event type was given a permission")
        } catch let refusal as PermissionRefusal {
            #expect(refusal.code == .unknownEventType)
        }
    }

    @Test("the rules the issue names hold in the table")
    func issueRules() {
        #expect(Permissions.roles(permitting: .eraseRecords) == [.privacyOfficer])
        #expect(Permissions.roles(permitting: .manageUsers) == [.practiceManager])
        #expect(Permissions.roles(permitting: .coSignEntries) == [.therapist])
        #expect(Set(Permissions.roles(permitting: .reviewAccess)) == [.privacyOfficer, .auditor, .practiceManager])
        #expect(Set(Permissions.roles(permitting: .manageRetention)) == [.practiceManager])
        #expect(Set(Permissions.roles(permitting: .configureSite)) == [.practiceManager])
        #expect(Set(Permissions.roles(permitting: .trustPeers)) == [.practiceManager])
        // A backup carries every record and the node's key: more than a sync discloses.
        #expect(Permissions.roles(permitting: .backUpStore) == [.practiceManager])
        #expect(Permissions.table[.frontDesk] == [.registerPatients, .seePatientList])
        // An auditor writes nothing but the record of their reads.
        let reads: Set<Permission> = [.seePatientList, .readClinicalRecords, .reviewAccess]
        #expect(Permissions.table[.auditor]!.isSubset(of: reads))
        #expect(Permissions.table[.student]!.contains(.recordCare))
        #expect(!Permissions.table[.student]!.contains(.signOffVisits))
        for role in Role.allCases { #expect(Permissions.table[role]!.contains(.seePatientList), "\(role): every role records its reads") }
    }

    @Test("a person acts in the first of their roles, in preference order, that may do the act")
    func roleChoice() {
        let founder: Set<Role> = [.practiceManager, .therapist]
        #expect(Permissions.role(for: .recordCare, among: founder) == .therapist)
        #expect(Permissions.role(for: .manageUsers, among: founder) == .practiceManager)
        #expect(Permissions.role(for: .eraseRecords, among: founder) == nil)
        #expect(Permissions.role(for: .recordCare, among: [.student, .therapist]) == .therapist)
        #expect(Permissions.role(for: .recordCare, among: [.student]) == .student)
        #expect(Permissions.role(for: .readClinicalRecords, among: [.frontDesk]) == nil)
        #expect(Permissions.role(for: .readClinicalRecords, among: []) == nil)
        #expect(Permissions.anyRole(among: [.student, .frontDesk]) == .frontDesk)
    }

    @Test("an entry is amended by its author, a therapist for a student's, or a practice manager")
    func amending() {
        #expect(Permissions.amendingRole(of: "jo", writtenAs: "therapist", by: "jo", among: [.therapist]) == .therapist)
        #expect(Permissions.amendingRole(of: "jo", writtenAs: "therapist", by: "sam", among: [.therapist]) == nil)
        #expect(Permissions.amendingRole(of: "kim", writtenAs: "student", by: "sam", among: [.therapist]) == .therapist)
        #expect(Permissions.amendingRole(of: "kim", writtenAs: "student", by: "lee", among: [.student]) == nil)
        #expect(Permissions.amendingRole(of: "lee", writtenAs: "student", by: "lee", among: [.student]) == .student)
        #expect(Permissions.amendingRole(of: "jo", writtenAs: "therapist", by: "pat", among: [.practiceManager, .therapist]) == .practiceManager)
        #expect(Permissions.amendingRole(of: "jo", writtenAs: nil, by: "pat", among: [.practiceManager]) == .practiceManager)
        #expect(Permissions.amendingRole(of: "jo", writtenAs: "therapist", by: "fd", among: [.frontDesk]) == nil)
        #expect(Permissions.amendingRole(of: "fd", writtenAs: "front-desk", by: "fd", among: [.frontDesk]) == nil)
        // A legacy entry (no role recorded) is not a student's: a therapist other than its author may not.
        #expect(Permissions.amendingRole(of: "jo", writtenAs: nil, by: "sam", among: [.therapist]) == nil)
    }

    @Test("a co-signature is a therapist's, never of their own entry")
    func coSigning() {
        #expect(Permissions.coSigningRole(of: "kim", by: "sam", among: [.therapist]) == .therapist)
        #expect(Permissions.coSigningRole(of: "sam", by: "sam", among: [.therapist]) == nil)
        #expect(Permissions.coSigningRole(of: "kim", by: "lee", among: [.student]) == nil)
        #expect(Permissions.coSigningRole(of: "kim", by: "pat", among: [.practiceManager]) == nil)
    }

    @Test("a read's record needs the read it records; a refused read's record any role")
    func accessRecords() throws {
        func requirement(_ action: RecordAccessed.Action, _ outcome: RecordAccessed.Outcome = .success) throws -> EventRequirement {
            let access = RecordAccessed(action: action, command: "x", patients: [], purpose: .treatment, outcome: outcome)
            return try Permissions.requirement(forType: RecordAccessed.eventType, payload: access.json, by: "jo")
        }
        #expect(try requirement(.read) == .permission(.readClinicalRecords))
        #expect(try requirement(.report) == .permission(.readClinicalRecords))
        #expect(try requirement(.export) == .permission(.readClinicalRecords))
        #expect(try requirement(.query) == .permission(.seePatientList))
        #expect(try requirement(.disclosure) == .permission(.syncRecords))
        #expect(try requirement(.read, .refused) == .anyRole)
        // One's own key is rotated in any role; another's is managing users.
        #expect(try Permissions.requirement(forType: "UserKeyRotated", payload: ["user": "jo", "publicKey": "x"], by: "jo") == .anyRole)
        #expect(try Permissions.requirement(forType: "UserKeyRotated", payload: ["user": "sam", "publicKey": "x"], by: "jo") == .permission(.manageUsers))
        #expect(try Permissions.requirement(forType: TechniqueApplied.eventType, payload: .object([:]), by: "jo") == .permission(.recordCare))
    }

    @Test("a refusal is one line naming the user, the act and the roles that may")
    func refusalText() {
        let refusal = PermissionRefusal.notPermitted(user: "fd", held: [.frontDesk], action: .readClinicalRecords,
                                                     permitted: Permissions.roles(permitting: .readClinicalRecords))
        #expect(refusal.description == "permission: fd (front desk) may not read clinical entries; roles that may: therapist, student, practice manager, auditor")
        let entry = PermissionRefusal.notTheirEntry(user: "sam", held: [.therapist], entry: "0194f3a2", author: "jo", authorRole: "therapist")
        #expect(entry.description.hasPrefix("permission: sam (therapist) may not correct or retract entry 0194f3a2: it is jo's (written as therapist)"))
        for text in [refusal.description, entry.description, PermissionRefusal.ownEntry(user: "sam", entry: "e").description] {
            #expect(!text.contains("\n"))
        }
    }
}

extension PermissionTableTests {
    @Test("an event's role by the table alone: the first role that may, or a refusal naming the author")
    func eventRole() throws {
        #expect(try Permissions.role(forEvent: TechniqueApplied.eventType, payload: .object([:]), by: "boss", among: [.practiceManager, .therapist]) == .therapist)
        #expect(try Permissions.role(forEvent: "UserAdded", payload: .object([:]), by: "boss", among: [.practiceManager, .therapist]) == .practiceManager)
        let refused = RecordAccessed(action: .read, command: "show", patients: [], purpose: .treatment, outcome: .refused)
        #expect(try Permissions.role(forEvent: RecordAccessed.eventType, payload: refused.json, by: "fd", among: [.frontDesk]) == .frontDesk)
        do {
            _ = try Permissions.role(forEvent: PainScoreRecorded.eventType, payload: .object([:]), by: "fd", among: [.frontDesk])
            Issue.record("the front desk recorded a pain score")
        } catch let refusal as PermissionRefusal {
            #expect(refusal.code == .notPermitted && refusal.fact.hasPrefix("permission: fd (front desk) may not record care"))
        }
        do {
            _ = try Permissions.role(forEvent: PainScoreRecorded.eventType, payload: .object([:]), by: "nobody", among: [])
            Issue.record("a person with no role recorded a pain score")
        } catch let refusal as PermissionRefusal {
            #expect(refusal.fact.hasPrefix("permission: nobody (no role) may not"))
        }
    }
}
