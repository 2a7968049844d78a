@testable import ChainHub
import Crypto
import EventLog
import Foundation
import MyologTestSupport
import Testing
import EventModel
import EventCrypto

/// The hub's schema migrations against a real PostgreSQL server (``PostgresCluster``).
@Suite("Hub: migrating a hub made before issue 29; its keys kept in step with its log", .serialized)
struct HubMigrationTests {
    let scratch = TemporaryDirectory("hub-migration")

    @Test("v4: a hub whose keys and identifying views were in PostgreSQL opens with its keys moved into its store directory (not an erased patient's), the key table and the identifying view tables dropped, and the views made de-identified")
    func keysMoveOutAndViewsAreDeidentified() async throws {
        let cluster = try PostgresCluster()
        let store = try EventStore.create(at: scratch.url("hub"), site: "Hub", author: "test")
        let storeKey = try #require(store.identity.storeKey)
        // A hub as the migrations before v4 made it, holding a key and a named patient row.
        for migration in HubSchema.migrations.prefix(while: { $0.name != HubSchema.deidentifying }) {
            try cluster.psql(migration.sql.joined(separator: ";\n") + ";\nINSERT INTO myolog.migrations (name) VALUES ('\(migration.name)')")
        }
        try cluster.psql("INSERT INTO myolog.hub (node, site) VALUES ('\(store.identity.nodeID.rawValue)', 'Hub')")
        let (kept, erased) = (PatientID.make(), PatientID.make())
        let wrapped = try WrappedPatientKey.wrap(SymmetricKey(size: .bits256), for: kept, under: storeKey)
        let erasedWrapped = try WrappedPatientKey.wrap(SymmetricKey(size: .bits256), for: erased, under: storeKey)
        func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }
        try cluster.psql("""
            INSERT INTO myolog.patient_keys VALUES ('\(kept.rawValue)', decode('\(hex(wrapped))', 'hex')), ('\(erased.rawValue)', decode('\(hex(erasedWrapped))', 'hex'));
            INSERT INTO myolog.erased_patients VALUES ('\(erased.rawValue)', 'some-erasure');
            INSERT INTO myolog.patients (patient, name, date_of_birth, active_trigger_points, latent_trigger_points, event_count) VALUES ('\(kept.rawValue)', 'Old Name', '1960-01-01', 0, 0, 1)
            """)
        let hub = try await Hub.open(store: store, server: try HubServer.resolve(url: cluster.url(), environment: [:]))
        await hub.close()
        #expect(try store.wrappedKey(of: kept) == wrapped)
        #expect(try store.wrappedKey(of: erased) == nil)
        #expect(try cluster.psql("SELECT string_agg(name, ',' ORDER BY name) FROM myolog.migrations") == HubSchema.migrations.map(\.name).sorted().joined(separator: ","))
        #expect(try cluster.psql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'myolog' AND table_name = 'patient_keys'") == "0")
        let columns = try cluster.psql("""
            SELECT string_agg(table_name || '.' || column_name, ',' ORDER BY table_name, column_name) FROM information_schema.columns
            WHERE table_schema = 'myolog' AND table_name IN ('patients', 'visits', 'conflicts')
            """)
        #expect(!columns.contains("name,") && !columns.contains("date_of_birth") && !columns.contains("reason") && !columns.contains("shown") && columns.contains("patients.birth_year"), "\(columns)")
        // The old named row went with its table; no event of the patient is held, so no view row is folded.
        #expect(try cluster.psql("SELECT count(*) FROM myolog.patients") == "0")
    }

    @Test("a crash between the log's commit and the key store's leaves nothing behind: at open the hub destroys the SQLite key of a patient erased in PostgreSQL, and drops the keyless row of a patient keyed in SQLite; hub verify then passes")
    func reconcileAtOpen() async throws {
        let cluster = try PostgresCluster()
        let store = try EventStore.create(at: scratch.url("hub"), site: "Hub", author: "test")
        let server = try HubServer.resolve(url: cluster.url(), environment: [:])
        await (try await Hub.initialise(store: store, server: server)).close()
        // As a crash leaves them: an erasure committed in PostgreSQL whose key SQLite still holds,
        // and a key kept for a batch whose transaction then rolled back (its keyless row stayed).
        let (erased, keyed) = (PatientID.make(), PatientID.make())
        try store.keepKeys([erased: SymmetricKey(size: .bits256), keyed: SymmetricKey(size: .bits256)])
        try cluster.psql("INSERT INTO myolog.erased_patients VALUES ('\(erased.rawValue)', '\(EventID.make().rawValue)'); INSERT INTO myolog.keyless_patients VALUES ('\(keyed.rawValue)')")
        let hub = try await Hub.open(store: store, server: server)
        #expect(try store.wrappedKey(of: erased) == nil)
        #expect(try store.wrappedKey(of: keyed) != nil)
        #expect(!store.erasedTextMayRemain)
        #expect(try cluster.psql("SELECT count(*) FROM myolog.keyless_patients") == "0")
        _ = try await hub.verify()
        await hub.close()
    }
}
