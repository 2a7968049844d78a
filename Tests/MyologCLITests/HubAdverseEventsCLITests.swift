import EventModel
import Foundation
import MyologTestSupport
import Testing

/// `hub adverse-events`: adverse events per technique across the chain, against a real
/// PostgreSQL server and two sites that recorded them.
@Suite("Hub: adverse events per technique across the chain", .serialized)
struct HubAdverseEventsCLITests {
    let scratch = TemporaryDirectory("hub-adverse")

    @discardableResult
    func run(_ arguments: [String], _ cluster: PostgresCluster, status expected: Int32 = 0) throws -> MyologProcess.Result {
        let result = try MyologProcess.run(["--as", "alex"] + arguments, environment: MyologProcess.environment(["PGPASSWORD": cluster.password]))
        #expect(result.status == expected, "myolog \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// Registers a patient at `store` with consent to dry needling and cupping; returns the id.
    func patient(_ name: String, at store: String, _ cluster: PostgresCluster) throws -> String {
        let id = try run(["--store", store, "patient", "register", "--name", name, "--dob", "1980-01-0\(name.count % 9 + 1)"], cluster).lastWord
        for technique in ["dry-needling", "cupping"] {
            try run(["--store", store, "record", "consent", id, "--for", technique, "--form", "written", "--risks", "Bruising, soreness"], cluster)
        }
        return id
    }

    func technique(_ technique: String, _ patient: String, at store: String, _ cluster: PostgresCluster) throws -> String {
        try run(["--store", store, "record", "technique", patient, "--technique", technique, "--region", "neck"], cluster).lastWord
    }

    @Test("counted per technique over every site, per site with --by-site; a retracted technique's adverse event kept on its own row; no note in PostgreSQL")
    func rates() throws {
        let cluster = try PostgresCluster()
        let (carlton, fitzroy, hub) = (scratch.path("carlton"), scratch.path("fitzroy"), scratch.path("hub"))
        try run(["--store", carlton, "init", "--site", "Carlton"], cluster)
        try run(["--store", fitzroy, "init", "--site", "Fitzroy"], cluster)
        try run(["--store", hub, "hub", "init", "--postgres", cluster.url(password: ""), "--site", "Head office"], cluster)
        // Both sites have people (founded by Alex): the hub checks every author's signature.
        try MyologProcess.trustEachOther(carlton, fitzroy, hub, as: "alex")

        // Carlton: three dry needlings for two patients, one bruise; a cupping whose entry is
        // later retracted, after it was followed by a skin reaction.
        let (mia, noah) = (try patient("Mia Thompson", at: carlton, cluster), try patient("Noah Brown", at: carlton, cluster))
        let first = try technique("dry-needling", mia, at: carlton, cluster)
        try technique("dry-needling", mia, at: carlton, cluster)
        try technique("dry-needling", noah, at: carlton, cluster)
        try run(["--store", carlton, "record", "adverse-event", mia, "--kind", "bruising", "--severity", "mild", "--after", first, "--note", "Bruise: NOTE-NOT-IN-PG"], cluster)
        let mistaken = try technique("cupping", noah, at: carlton, cluster)
        try run(["--store", carlton, "record", "adverse-event", noah, "--kind", "skin-reaction", "--severity", "mild", "--after", mistaken], cluster)
        try run(["--store", carlton, "retract", mistaken, "--reason", "Recorded for the wrong patient"], cluster)
        // Fitzroy: two cuppings for one patient, one followed by fainting; one dry needling.
        let ava = try patient("Ava Wilson", at: fitzroy, cluster)
        let cupped = try technique("cupping", ava, at: fitzroy, cluster)
        try technique("cupping", ava, at: fitzroy, cluster)
        try technique("dry-needling", ava, at: fitzroy, cluster)
        try run(["--store", fitzroy, "record", "adverse-event", ava, "--kind", "fainting", "--severity", "moderate", "--after", cupped], cluster)

        try run(["--store", hub, "hub", "sync", carlton], cluster)
        try run(["--store", hub, "hub", "sync", fitzroy], cluster)

        let chain = try run(["--store", hub, "--json", "hub", "adverse-events"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(chain == """
            [{"adverseEvents":1,"applications":2,"mild":0,"moderate":1,"patients":1,"perThousand":"500.0","severe":0,"technique":"cupping"},\
            {"adverseEvents":1,"applications":4,"mild":1,"moderate":0,"patients":3,"perThousand":"250.0","severe":0,"technique":"dry-needling"},\
            {"adverseEvents":1,"applications":0,"mild":1,"moderate":0,"patients":1,"perThousand":null,"severe":0,"technique":null}]
            """)
        let bySite = try run(["--store", hub, "--json", "hub", "adverse-events", "--by-site"], cluster).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bySite == """
            [{"adverseEvents":1,"applications":2,"mild":0,"moderate":1,"patients":1,"perThousand":"500.0","severe":0,"site":"Fitzroy","technique":"cupping"},\
            {"adverseEvents":1,"applications":3,"mild":1,"moderate":0,"patients":2,"perThousand":"333.3","severe":0,"site":"Carlton","technique":"dry-needling"},\
            {"adverseEvents":0,"applications":1,"mild":0,"moderate":0,"patients":1,"perThousand":"0.0","severe":0,"site":"Fitzroy","technique":"dry-needling"},\
            {"adverseEvents":1,"applications":0,"mild":1,"moderate":0,"patients":1,"perThousand":null,"severe":0,"technique":null}]
            """)
        let text = try run(["--store", hub, "hub", "adverse-events"], cluster).stdout
        #expect(text.contains("Dry needling") && text.contains("250.0") && text.contains("(technique entry retracted)"), "\(text)")
        // The views are de-identified: the adverse event's note is nowhere in the hub's tables.
        let dump = try cluster.psql("SELECT string_agg(t::text, ' ') FROM myolog.adverse_events t")
        #expect(dump.contains("bruising") && !dump.contains("NOTE-NOT-IN-PG"), "\(dump)")
        try run(["--store", hub, "hub", "verify"], cluster)
    }
}
