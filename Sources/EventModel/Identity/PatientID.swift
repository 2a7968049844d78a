import Foundation

/// The id of one patient: a random UUID (version 4), lower-case text.
///
/// Random rather than time-ordered on purpose: an 8-character prefix is then unique in practice,
/// so clinicians can type it, and the id does not reveal when the patient first came.
public struct PatientID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts a canonical lower-case UUID text; nil for anything else.
    ///
    /// - Parameter text: A canonical lower-case UUID.
    public init?(_ text: String) {
        guard UUIDText.isCanonical(text) else { return nil }
        rawValue = text
    }

    public var description: String { rawValue }
    public static func < (lhs: PatientID, rhs: PatientID) -> Bool { lhs.rawValue < rhs.rawValue }

    public static func make() -> PatientID {
        var rng = SystemRandomNumberGenerator()
        return make(using: &rng)
    }

    /// A version-4 id from `generator`: deterministic ids for seeded demo data.
    ///
    /// - Parameter generator: The source of the random bits; the same seed gives the same ids.
    /// - Returns: A new random (version 4) patient id.
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> PatientID {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { bytes[i] = UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return PatientID(unchecked: UUIDText.format(bytes))
    }

    package init(unchecked text: String) { rawValue = text }
}
