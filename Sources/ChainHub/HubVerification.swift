import EventSync

/// What `hub verify` proves of the hub's database.
public struct HubVerification: Sendable {
    /// The chain and signature check, as `verify` makes it of a SQLite store.
    public var chains: ChainCheck
    public var patientsChecked = 0
    public var quarantined = 0
    public var heldBack = 0
}
