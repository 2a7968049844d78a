import ClinicalEvents
import EventLog
import EventModel

/// Patients: registering them, changing their details, and finding the one a reference names.
extension ClinicalSession {
    /// What the front desk enters to register a patient.
    public struct Registration: Sendable {
        public var name: String
        public var dateOfBirth: String
        public var phone: String?
        public var email: String?
        public var address: String?

        public init(name: String, dateOfBirth: String, phone: String? = nil, email: String? = nil, address: String? = nil) {
            self.name = name
            self.dateOfBirth = dateOfBirth
            self.phone = phone
            self.email = email
            self.address = address
        }
    }

    /// Registers a new patient; the returned envelope's `patient` is the new id.
    ///
    /// Refused when a patient of the same name (without case, runs of spaces as one) and date of
    /// birth is already registered here — locally or received from another site — naming them,
    /// unless `newPatient` says this is a different person.
    @discardableResult
    public func register(_ registration: Registration, newPatient: Bool = false, author: String, patientID: PatientID = .make()) throws -> EventEnvelope {
        let payload = PatientRegistered(
            name: try input.name(registration.name),
            dateOfBirth: try input.dateOfBirth(registration.dateOfBirth),
            phone: try registration.phone.map(input.phone),
            email: try registration.email.map(input.email),
            address: try registration.address.map(input.address))
        if !newPatient {
            let existing = try patientsNamed(payload.name, bornOn: payload.dateOfBirth.description)
            guard existing.isEmpty else {
                throw ClinicalError.possibleDuplicatePatient(name: payload.name, dateOfBirth: payload.dateOfBirth.description, existing: existing.map(\.rawValue))
            }
        }
        openVisits[patientID] = .some(nil)
        knownPatients.insert(patientID)
        return try transaction.append(Self.event(payload, patient: patientID), author: author)
    }

    /// Changes a patient's details. `changes` maps `name`, `dob`, `phone`, `email`, `address` to
    /// new values; an empty phone, email or address removes it. A change of name or date of
    /// birth that makes the patient another registered patient's double is refused as
    /// registering one is, unless `newPatient` says they are different people.
    @discardableResult
    public func updatePatient(_ reference: IDReference, changes: [String: String], newPatient: Bool = false, author: String) throws -> EventEnvelope {
        guard !changes.isEmpty else { throw ClinicalError.nothingToChange("patient update") }
        var checked: [String: String?] = [:]
        for (field, value) in changes {
            switch field {
            case "name": checked["name"] = try input.name(value)
            case "dob", "dateOfBirth": checked["dateOfBirth"] = .some(try input.dateOfBirth(value).description)
            case "phone": checked["phone"] = value.isEmpty ? .some(nil) : try input.phone(value)
            case "email": checked["email"] = value.isEmpty ? .some(nil) : try input.email(value)
            case "address": checked["address"] = value.isEmpty ? .some(nil) : try input.address(value)
            default: throw ClinicalError.fieldNotCorrectable(field: field, type: "a patient's details", accepted: ["name", "dob", "phone", "email", "address"])
            }
        }
        let payload = PatientDetailsChanged(changes: checked)
        let patient = try patient(reference)
        if !newPatient, checked["name"] != nil || checked["dateOfBirth"] != nil {
            let current = try registeredDetails()[patient]
            if let name = checked["name"] ?? current?.name ?? nil, let born = checked["dateOfBirth"] ?? current?.dateOfBirth ?? nil {
                let existing = try patientsNamed(name, bornOn: born, excluding: patient)
                guard existing.isEmpty else {
                    throw ClinicalError.possibleDuplicatePatient(name: name, dateOfBirth: born, existing: existing.map(\.rawValue))
                }
            }
        }
        return try transaction.append(Self.event(payload, patient: patient), author: author)
    }

    /// The registered patient whose id is `reference` or starts with it; refused once the
    /// registration was withdrawn.
    public func patient(_ reference: IDReference) throws -> PatientID {
        if let id = PatientID(reference.text), knownPatients.contains(id) { return id }
        let id = try queries.resolvePatient(reference)
        try queries.requireReadable(id)
        if let withdrawal = try queries.withdrawal(of: id) {
            throw ClinicalError.registrationWithdrawn(patient: id.rawValue, by: withdrawal.id.rawValue)
        }
        knownPatients.insert(id)
        return id
    }
}
