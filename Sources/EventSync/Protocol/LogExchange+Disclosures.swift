import EventCrypto
import EventModel

extension LogExchange {
    /// Who records a disclosure, and when: before what makes a patient readable at the other side
    /// — their key, or their sealed events — is handed over, batch by batch. A sync killed at any
    /// instant, or a peer that never says it is done, has then recorded at least every patient
    /// the other side can read (a batch recorded but not delivered over-reports; nothing
    /// under-reports). Each patient is recorded once per sync and direction.
    public struct Disclosures: Sendable {
        /// Records, in the local log, that the local side is about to make these patients
        /// readable at the peer.
        public var byLocal: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?
        /// Records, in the peer's own log, that the peer is about to make these patients readable
        /// here — for a peer this process writes to (a store directory, a hub); nil for a server,
        /// which records its own before it answers.
        public var byPeer: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?

        /// Who records which side's disclosures.
        ///
        /// - Parameters:
        ///   - byLocal: Records in the local log; nil records nothing.
        ///   - byPeer: Records in the peer's log; nil for a server, which records its own.
        public init(byLocal: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?, byPeer: (@Sendable (_ recipient: NodeID, _ patients: [PatientID]) async throws -> Void)?) {
            (self.byLocal, self.byPeer) = (byLocal, byPeer)
        }

        /// Nothing recorded (tests and benchmarks of the exchange alone).
        public static let none = Disclosures(byLocal: nil, byPeer: nil)
    }
}
