import EventModel

/// The clinic's retention policy, as an event so every site applies the same one: a record is
/// kept at least `yearsAfterLastService` years after the patient's last visit (or registration,
/// if they never had one), and a record begun while the patient was under `adultAge` at least
/// until they turn `childUntilAge` (Victoria, HPP 4: 7 years; until 25). About no patient.
public struct RetentionPolicySet: ClinicalPayload {
    public static let eventType = "RetentionPolicySet"
    public var yearsAfterLastService: Int
    public var childUntilAge: Int
    public var adultAge: Int

    /// Victoria's Health Records Act 2001, HPP 4.2.
    public static let victoria = RetentionPolicySet(yearsAfterLastService: 7, childUntilAge: 25, adultAge: 18)

    public init(yearsAfterLastService: Int, childUntilAge: Int, adultAge: Int) {
        self.yearsAfterLastService = yearsAfterLastService
        self.childUntilAge = childUntilAge
        self.adultAge = adultAge
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["yearsAfterLastService", "childUntilAge", "adultAge"])
        yearsAfterLastService = try fields.int("yearsAfterLastService", in: 1...100)
        childUntilAge = try fields.int("childUntilAge", in: 1...120)
        adultAge = try fields.int("adultAge", in: 1...120)
    }
}

/// A legal hold: the patient's record may not be erased, whatever its retention says, until the
/// hold is released (litigation, an investigation, a complaint).
public struct LegalHoldPlaced: ClinicalPayload {
    public static let eventType = "LegalHoldPlaced"
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["reason"])
        reason = try fields.string("reason")
    }
}

/// A legal hold lifted; `hold` is the ``LegalHoldPlaced`` event.
public struct LegalHoldReleased: ClinicalPayload {
    public static let eventType = "LegalHoldReleased"
    public var hold: EventID
    public var reason: String

    public init(hold: EventID, reason: String) {
        self.hold = hold
        self.reason = reason
    }

    public init(json: JSONValue) throws {
        let fields = try PayloadFields(json, type: Self.eventType, allowed: ["hold", "reason"])
        hold = try fields.eventID("hold")
        reason = try fields.string("reason")
    }
}
