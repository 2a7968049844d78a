import GRDB
import EventModel

// Ids are stored as the text they are written as everywhere; reading one back checks its form,
// so a damaged column reads as a decoding error naming the column, not as a wrong id.

extension EventID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> EventID? { String.fromDatabaseValue(dbValue).flatMap(EventID.init) }
}

extension PatientID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> PatientID? { String.fromDatabaseValue(dbValue).flatMap(PatientID.init) }
}

extension NodeID: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rawValue.databaseValue }
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> NodeID? { String.fromDatabaseValue(dbValue).flatMap(NodeID.init) }
}
