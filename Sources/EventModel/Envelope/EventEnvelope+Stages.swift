/// The stages of a write and a receive that have no public entry point of their own, for the
/// stage budget in Tools/Benchmarks: each calls the very function the paths call, nothing else.
extension EventEnvelope {
    /// The event hash of canonical bytes (``canonicalBytes(includingHash:includingOpenedPayload:)``
    /// without the hash): SHA-256 as hex, as ``computedHash`` computes it after encoding.
    ///
    /// - Parameter canonicalBytes: The envelope's canonical bytes without its hash.
    /// - Returns: Their hash.
    @_spi(Benchmarks) public static func stageHash(_ canonicalBytes: [UInt8]) -> EventHash {
        hash(canonicalBytes)
    }
}
