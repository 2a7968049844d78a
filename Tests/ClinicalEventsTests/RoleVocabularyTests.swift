import ClinicalLog
import EventModel
import Testing

/// The roles user events may name (EventModel, which the receive rules and the user directory
/// read) are exactly the permission table's roles (ClinicalLog): one vocabulary, two layers.
@Suite("Role vocabulary")
struct RoleVocabularyTests {
    @Test("SystemEventType.roles lists exactly the permission table's roles")
    func sameRoles() {
        #expect(SystemEventType.roles == Set(Role.allCases.map(\.rawValue)))
    }
}
