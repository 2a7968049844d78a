import EventModel

/// A new patient came to the clinic. Its envelope's `patient` is the new patient's id.
public struct PatientRegistered: ClinicalPayload {
    public static let eventType = "PatientRegistered"
    public var name: String
    public var dateOfBirth: CivilDate
    public var phone: String?
    public var email: String?
    public var address: String?

    public init(name: String, dateOfBirth: CivilDate, phone: String? = nil, email: String? = nil, address: String? = nil) {
        self.name = name
        self.dateOfBirth = dateOfBirth
        self.phone = phone
        self.email = email
        self.address = address
    }

    /// The detail fields a registration sets (absent ones it leaves unset), as a change of details would.
    public var changes: [String: String?] {
        var changes: [String: String?] = ["name": name, "dateOfBirth": dateOfBirth.description]
        if let phone { changes["phone"] = phone }
        if let email { changes["email"] = email }
        if let address { changes["address"] = address }
        return changes
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["name", "dateOfBirth", "phone", "email", "address"])
        name = try fields.string("name")
        let dob = try fields.string("dateOfBirth")
        guard let date = CivilDate(iso: dob) else { throw ClinicalError.malformedPayload(type: Self.eventType, field: "dateOfBirth", reason: "\"\(dob)\" is not YYYY-MM-DD") }
        dateOfBirth = date
        phone = try fields.optionalString("phone")
        email = try fields.optionalString("email")
        address = try fields.optionalString("address")
    }
}

/// Some of a patient's details changed. Only the changed fields are present; a contact field
/// set to `null` was removed.
public struct PatientDetailsChanged: ClinicalPayload {
    public static let eventType = "PatientDetailsChanged"
    /// The fields that can change, in the order they are shown.
    public static let fields = ["name", "dateOfBirth", "phone", "email", "address"]
    /// The fields a person may remove (name and date of birth are required).
    public static let removableFields: Set<String> = ["phone", "email", "address"]

    /// Field → new value, or nil where the field was removed.
    public var changes: [String: String?]

    public init(changes: [String: String?]) {
        self.changes = changes
    }

    /// Each changed field with its new value; a removed one as `null`, so it is not mistaken
    /// for a field that did not change.
    public func encode(to encoder: any Encoder) throws {
        try JSONValue.object(changes.mapValues { $0.map(JSONValue.string) ?? .null }).encode(to: encoder)
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: Self.fields)
        guard !fields.members.isEmpty else { throw ClinicalError.malformedPayload(type: Self.eventType, field: "payload", reason: "no field changed") }
        var changes: [String: String?] = [:]
        for key in fields.members.keys {
            let value = try fields.optionalString(key)
            if value == nil, !Self.removableFields.contains(key) {
                throw ClinicalError.malformedPayload(type: Self.eventType, field: key, reason: "cannot be removed")
            }
            if key == "dateOfBirth", let value, CivilDate(iso: value) == nil {
                throw ClinicalError.malformedPayload(type: Self.eventType, field: key, reason: "\"\(value)\" is not YYYY-MM-DD")
            }
            changes[key] = value
        }
        self.changes = changes
    }
}
