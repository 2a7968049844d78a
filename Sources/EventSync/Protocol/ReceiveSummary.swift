import Foundation
import EventModel
import EventCrypto

/// What a store did with one batch offered to it.
public struct ReceiveSummary: Sendable, Equatable {
    /// Events stored, per origin (held-back events released by this batch included).
    public var stored: [NodeID: Int] = [:]
    public var duplicates = 0
    public var heldBack = 0
    /// (origin, sequence) of each event quarantined as a fork.
    public var quarantined: [ChainPlace] = []
    /// Events kept aside, per origin, because the origin is not in the receiver's trust list.
    public var awaitingTrust: [NodeID: Int] = [:]
    /// Events refused, per origin, because the receiver removed the origin from its trust list.
    public var originRemoved: [NodeID: Int] = [:]
    /// What became of the patient keys that came with the events (bundles).
    public var keys = KeyReceipt()

    public init() {}

    /// Adds another batch's outcome to this one.
    ///
    /// - Parameter other: The next batch's outcome.
    public mutating func add(_ other: ReceiveSummary) {
        for (origin, count) in other.stored { stored[origin, default: 0] += count }
        duplicates += other.duplicates
        heldBack += other.heldBack
        quarantined += other.quarantined
        for (origin, count) in other.awaitingTrust { awaitingTrust[origin, default: 0] += count }
        for (origin, count) in other.originRemoved { originRemoved[origin, default: 0] += count }
        keys.stored += other.keys.stored
        keys.erased += other.keys.erased
    }

    public var json: JSONValue {
        .object([
            "stored": .object(Dictionary(uniqueKeysWithValues: stored.map { ($0.key.rawValue, JSONValue.int($0.value)) })),
            "duplicates": .int(duplicates), "heldBack": .int(heldBack),
            "quarantined": .array(quarantined.map { .object(["origin": .string($0.origin.rawValue), "sequence": .int($0.sequence)]) }),
            "awaitingTrust": Self.countsJSON(awaitingTrust), "originRemoved": Self.countsJSON(originRemoved),
        ])
    }

    static func countsJSON(_ counts: [NodeID: Int]) -> JSONValue {
        .object(Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
    }

    static func counts(_ json: JSONValue?, field: String) throws(EnvelopeDecodingError) -> [NodeID: Int] {
        guard case .object(let members)? = json else { throw EnvelopeDecodingError(.mistyped, field: field, reason: "expected an object of node id → count") }
        var counts: [NodeID: Int] = [:]
        for (key, value) in members {
            guard let origin = NodeID(key), case .int(let count) = value, count >= 0 else { throw EnvelopeDecodingError(.mistyped, field: "\(field).\(key)", reason: "expected a count") }
            counts[origin] = count
        }
        return counts
    }

    /// Reads a receipt back from the JSON the sync API carries.
    ///
    /// - Parameter json: The object ``json`` writes.
    /// - Throws: `EnvelopeDecodingError` naming the member missing or malformed.
    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, case .object(let storedMembers)? = m["stored"], case .int(let duplicates)? = m["duplicates"],
            case .int(let heldBack)? = m["heldBack"], case .array(let places)? = m["quarantined"]
        else { throw EnvelopeDecodingError(.mistyped, field: "receipt", reason: "expected {stored, duplicates, heldBack, quarantined}") }
        stored = try Self.counts(.object(storedMembers), field: "stored")
        awaitingTrust = try Self.counts(m["awaitingTrust"], field: "awaitingTrust")
        originRemoved = try Self.counts(m["originRemoved"], field: "originRemoved")
        for place in places {
            guard case .object(let p) = place, case .string(let text)? = p["origin"], let origin = NodeID(text), case .int(let sequence)? = p["sequence"]
            else { throw EnvelopeDecodingError(.mistyped, field: "quarantined", reason: "expected [{origin, sequence}]") }
            quarantined.append(ChainPlace(origin: origin, sequence: sequence))
        }
        self.duplicates = duplicates
        self.heldBack = heldBack
    }
}
