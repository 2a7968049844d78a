import EventModel

/// The stages of a write and a receive that have no public entry point of their own, for the
/// stage budget in Tools/Benchmarks: each calls the very function the paths call, nothing else.
extension EventReader {
    /// `event` with its payload opened, as a write opens what it stored for the views: the
    /// patient's key (unwrapped once per transaction), then AES-GCM.
    @_spi(Benchmarks) public func stageOpened(_ event: EventEnvelope) throws -> EventEnvelope {
        try keys.opened(event)
    }
}
