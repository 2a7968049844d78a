import Foundation
import EventModel
import EventCrypto

/// A place in one origin's chain.
public struct ChainPlace: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var origin: NodeID
    public var sequence: Int
    /// The place `sequence` of `origin`'s chain.
    ///
    /// - Parameters:
    ///   - origin: The chain's origin node.
    ///   - sequence: The place in it, from 1.
    public init(origin: NodeID, sequence: Int) {
        self.origin = origin
        self.sequence = sequence
    }
    public static func < (a: ChainPlace, b: ChainPlace) -> Bool { (a.origin, a.sequence) < (b.origin, b.sequence) }
    public var description: String { "origin \(origin) sequence \(sequence)" }
}
