import NIOPosix
import EventModel
import EventCrypto
import EventSync

/// A store served over HTTP: its blocking SQLite work (a write transaction, its fsync) runs on
/// NIO's blocking-work pool, never on an event loop or the concurrency pool, so other peers'
/// requests go on meanwhile. Reads already run on GRDB's own queue (`readWithoutBlocking`).
struct PooledStore: LogPeer {
    let store: any ServedLog

    func summary() async throws -> PeerSummary { try await store.summary() }
    func events(origin: NodeID, after sequence: Int, limit: Int) async throws -> [EventEnvelope] { try await store.events(origin: origin, after: sequence, limit: limit) }
    func patientsWithoutKeys() async throws -> [PatientID] { try await store.patientsWithoutKeys() }
    func keys(for patients: [PatientID], to recipient: NodeID) async throws -> [SealedPatientKey] { try await store.keys(for: patients, to: recipient) }

    func receive(_ batch: [EventEnvelope]) async throws -> ReceiveSummary {
        try await receive(batch, keys: [])
    }

    func receive(_ batch: [EventEnvelope], keys: [SealedPatientKey]) async throws -> ReceiveSummary {
        let store = self.store
        return try await NIOThreadPool.singleton.runIfActive { try store.receiveBatch(batch, keys: keys) }
    }

    func receiveKeys(_ keys: [SealedPatientKey]) async throws -> KeyReceipt {
        let store = self.store
        return try await NIOThreadPool.singleton.runIfActive { try store.receiveSealedKeys(keys) }
    }
}
