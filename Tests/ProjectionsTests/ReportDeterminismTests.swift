import ClinicalEvents
import ClinicalReport
import EventLog
import Foundation
import EventModel

import ClinicalFold
@testable import Projections
import Testing

/// The report is drawn from the fold alone: the same events, in any arrival order sync can
/// deliver, give the same bytes (charts, tables, header).
@Suite("Report determinism")
struct ReportDeterminismTests {
    @Test("same events, any arrival order: byte-identical report pages (seeded)", arguments: 0..<40)
    func determinism(seed: UInt64) throws {
        var clinic = SimulatedClinic(nodes: 2 + Int(seed % 3), seed: seed)
        // 110 steps: as many pain scores and trigger points as 60 drew before the records of care joined the workload.
        clinic.run(steps: 110, patients: 3)
        let events = clinic.allEvents
        let patients = Set(events.compactMap(\.patient)).sorted()
        let basis = ReportBasis(travel: .now, heads: [], verification: .passed(events: events.count, signatures: 0))
        let generation = PatientReport.Generation(user: "tester", at: Timestamp(millisecondsSinceEpoch: 0), site: "Test", node: clinic.nodes[0].id)
        func pages(_ arrival: [EventEnvelope]) throws -> [String] {
            try patients.map { patient in
                let record = try PatientFold.fold(patient, events: arrival.filter { $0.patient == patient })
                return PatientReport(record: record, timeline: [], basis: basis, generation: generation).page().rendered
            }
        }
        let reference = try pages(events)
        #expect(reference.contains { $0.contains(#"class="pain-point""#) || $0.contains(#"class="tp "#) }, "seed \(seed): something was drawn")
        for _ in 0..<3 {
            #expect(try pages(clinic.arrivalOrder(events)) == reference, "seed \(seed)")
        }
    }
}
