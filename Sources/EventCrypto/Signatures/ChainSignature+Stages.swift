import EventModel

/// The stages of a write and a receive that have no public entry point of their own, for the
/// stage budget in Tools/Benchmarks: each calls the very function the paths call, nothing else.
extension ChainSignature {
    /// `identity`'s signature over the event with this hash, as every commit signs its head.
    @_spi(Benchmarks) public static func stageSign(_ hash: EventHash, by identity: NodeIdentity) throws -> ChainSignature {
        try sign(hash, by: identity)
    }
}
