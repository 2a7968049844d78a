import Foundation
import EventModel
import EventCrypto

/// Who a peer is and what it holds: for each origin, the last event of its chain.
public struct PeerSummary: Sendable, Equatable {
    public var node: NodeID
    public var site: String
    public var heads: [NodeID: ChainHead]

    /// A summary from its parts.
    ///
    /// - Parameters:
    ///   - node: The peer's node.
    ///   - site: Its site name.
    ///   - heads: The last event of every chain it holds, per origin.
    public init(node: NodeID, site: String, heads: [NodeID: ChainHead]) {
        self.node = node
        self.site = site
        self.heads = heads
    }

    /// The vector clock the heads imply.
    public var clock: VectorClock { VectorClock(heads.mapValues(\.sequence)) }

    public var json: JSONValue {
        .object([
            "node": .string(node.rawValue), "site": .string(site),
            "heads": .object(Dictionary(uniqueKeysWithValues: heads.map {
                ($0.key.rawValue, JSONValue.object(["sequence": .int($0.value.sequence), "hash": .string($0.value.hash.rawValue)]))
            })),
        ])
    }

    /// Reads a summary back from the JSON the sync API carries.
    ///
    /// - Parameter json: The object ``json`` writes.
    /// - Throws: `EnvelopeDecodingError` naming the member missing or malformed.
    public init(json: JSONValue) throws(EnvelopeDecodingError) {
        guard case .object(let m) = json, case .string(let nodeText)? = m["node"], let node = NodeID(nodeText),
            case .string(let site)? = m["site"], case .object(let headMembers)? = m["heads"]
        else { throw EnvelopeDecodingError(.mistyped, field: "summary", reason: "expected {node, site, heads}") }
        // A site name is shown and logged wherever the peer is named: as `init` accepts one, never
        // a line break or a terminal escape a peer gone bad could forge a log line with.
        guard (1...100).contains(site.count), VisibleText.firstHiddenScalar(in: site, allowingLineBreaks: false) == nil else {
            throw EnvelopeDecodingError(.mistyped, field: "site", reason: "expected a site name of 1–100 characters without control or invisible characters")
        }
        var heads: [NodeID: ChainHead] = [:]
        for (key, value) in headMembers {
            guard let origin = NodeID(key), case .object(let head) = value, case .int(let sequence)? = head["sequence"], sequence >= 1,
                case .string(let hashText)? = head["hash"], let hash = EventHash(hashText)
            else { throw EnvelopeDecodingError(.mistyped, field: "heads.\(key)", reason: "expected {sequence: positive integer, hash: SHA-256 hex}") }
            heads[origin] = ChainHead(sequence: sequence, hash: hash)
        }
        self.init(node: node, site: site, heads: heads)
    }
}
