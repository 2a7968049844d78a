import ClinicalEvents
import EventModel

/// A patient's details as shown: each field's last write; a removed field is absent.
public struct PatientDetails: Sendable, Equatable, Encodable {
    public var name: String?
    public var dateOfBirth: String?
    public var phone: String?
    public var email: String?
    public var address: String?

    public init() {}

    /// The fields, in the order they are shown (``PatientDetailsChanged/fields``).
    public static let fields = PatientDetailsChanged.fields

    /// A field by its name in ``fields``; other names read nil and are not written.
    public subscript(field: String) -> String? {
        get {
            switch field {
            case "name": name
            case "dateOfBirth": dateOfBirth
            case "phone": phone
            case "email": email
            case "address": address
            default: nil
            }
        }
        set {
            switch field {
            case "name": name = newValue
            case "dateOfBirth": dateOfBirth = newValue
            case "phone": phone = newValue
            case "email": email = newValue
            case "address": address = newValue
            default: break
            }
        }
    }
}
