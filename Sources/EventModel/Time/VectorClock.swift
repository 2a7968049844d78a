/// For each origin node, the highest sequence number of that node's events a store holds with
/// no gap below it.
///
/// An event carries its origin's clock at append time, so "happened before" between any two
/// events can be decided from the events alone (the projections' conflict detection), and two
/// stores can compare clocks to send each other exactly what the other lacks (sync).
public struct VectorClock: Sendable, Hashable, CustomStringConvertible {
    public private(set) var entries: [NodeID: Int]

    /// A clock with these entries; a node not named is at 0.
    ///
    /// - Parameter entries: Each node's highest sequence held with no gap below it.
    public init(_ entries: [NodeID: Int] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    public subscript(node: NodeID) -> Int {
        get { entries[node] ?? 0 }
        set { entries[node] = newValue > 0 ? newValue : nil }
    }

    /// Every entry at least as high as in `other`.
    ///
    /// - Parameter other: The clock to compare with.
    /// - Returns: Whether this clock has seen everything `other` has.
    public func dominates(_ other: VectorClock) -> Bool {
        other.entries.allSatisfy { self[$0.key] >= $0.value }
    }

    /// True when this clock happened strictly before `other`.
    ///
    /// - Parameter other: The clock to compare with.
    /// - Returns: Whether `other` dominates this clock and differs from it.
    public func happenedBefore(_ other: VectorClock) -> Bool {
        other.dominates(self) && self != other
    }

    /// Neither clock happened before the other: the writes were concurrent.
    ///
    /// - Parameter other: The clock to compare with.
    /// - Returns: Whether the two are neither equal nor ordered.
    public func isConcurrent(with other: VectorClock) -> Bool {
        !dominates(other) && !other.dominates(self)
    }

    /// The entry-wise maximum.
    ///
    /// - Parameter other: The clock to merge with.
    /// - Returns: For each node, the higher of the two entries.
    public func merged(with other: VectorClock) -> VectorClock {
        VectorClock(entries.merging(other.entries, uniquingKeysWith: max))
    }

    /// `{"node":seq,...}` in canonical JSON.
    public var json: JSONValue {
        .object(Dictionary(uniqueKeysWithValues: entries.map { ($0.key.rawValue, JSONValue.int($0.value)) }))
    }

    public var description: String {
        var writer = CanonicalJSON.Writer(capacity: 32 * entries.count + 2)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes `{"node":seq,...}` in canonical order (node ids are ASCII, so byte order is UTF-16 order).
    ///
    /// - Parameter writer: The writer to append to.
    public func write(to writer: inout CanonicalJSON.Writer) {
        writer.appendByte(UInt8(ascii: "{"))
        for (index, node) in entries.keys.sorted().enumerated() {
            if index > 0 { writer.appendByte(UInt8(ascii: ",")) }
            writer.writeKey(node.rawValue)
            writer.writeInteger(entries[node]!)
        }
        writer.appendByte(UInt8(ascii: "}"))
    }

    /// Reads a clock from exactly the text ``description`` writes — node ids in ascending order,
    /// positive integers without leading zeros, no spaces — as the log stores it; nil for any
    /// other text. Scans the bytes once, with no JSON tree: every stored event has a clock.
    ///
    /// - Parameter text: The clock as stored.
    public init?(canonical text: String) {
        var text = text
        guard let entries = text.withUTF8({ Self.scanCanonical($0) }) else { return nil }
        self.entries = entries
    }

    private static func scanCanonical(_ bytes: UnsafeBufferPointer<UInt8>) -> [NodeID: Int]? {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var entries: [NodeID: Int] = [:]
        var index = 1
        let end = bytes.count - 1
        var previous: String?
        while index < end {
            if !entries.isEmpty {
                guard bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
            // "node": 16 base32 characters in quotes (NodeID checks them).
            guard index + 19 <= end, bytes[index] == UInt8(ascii: "\""), bytes[index + 17] == UInt8(ascii: "\""), bytes[index + 18] == UInt8(ascii: ":"),
                  let node = NodeID(String(decoding: UnsafeBufferPointer(rebasing: bytes[index + 1..<index + 17]), as: UTF8.self))
            else { return nil }
            guard previous.map({ $0 < node.rawValue }) ?? true else { return nil }
            previous = node.rawValue
            index += 19
            guard index < end, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
            var value = 0
            while index < end, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                value = sum
                index += 1
            }
            entries[node] = value
        }
        return entries
    }

    /// Reads a clock from its JSON text, as `myolog id --json` prints it; nil for anything else.
    ///
    /// - Parameter text: JSON text of an object of node id → positive sequence.
    public init?(text: String) {
        guard let value = try? JSONParser.parse(text) else { return nil }
        self.init(json: value)
    }

    /// Reads a clock back from JSON; nil unless every key is a node id and every value a positive integer.
    ///
    /// - Parameter json: An object of node id → positive sequence.
    public init?(json: JSONValue) {
        guard case .object(let members) = json else { return nil }
        var entries: [NodeID: Int] = [:]
        for (key, value) in members {
            guard let node = NodeID(key), case .int(let seq) = value, seq > 0 else { return nil }
            entries[node] = seq
        }
        self.entries = entries
    }
}
