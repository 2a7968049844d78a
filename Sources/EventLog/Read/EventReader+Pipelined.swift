import Crypto
import Dispatch
import GRDB
import EventModel
import EventCrypto

extension EventReader {
    /// Like ``forEachPatient(_:)``, on two cores: this thread reads the log (SQLite work must stay
    /// on the connection's thread) and consumes results, while a second thread parses each
    /// patient's envelopes and runs `transform` on them — a batch of patients at a time, so the
    /// two overlap. Patients are consumed in id order, exactly as ``forEachPatient(_:)`` gives
    /// them; the first error (of reading, parsing, `transform` or `consume`) ends the stream and
    /// is thrown. Memory: at most three batches of rows and results at once.
    ///
    /// What a `rebuild` uses: folding is most of its CPU, and it does not touch the database.
    public func forEachPatientPipelined<Result: Sendable>(
        batchSize: Int = 200,
        transform: @escaping @Sendable (PatientID, [EventEnvelope]) throws -> Result,
        consume: (Result) throws -> Void
    ) throws {
        precondition(batchSize > 0)
        let worker = DispatchQueue(label: "myolog.fold")
        var inFlight: PipelineBatch<Result>?

        func finish(_ batch: PipelineBatch<Result>) throws {
            batch.done.wait()
            for result in try batch.results.get() { try consume(result) }
        }
        func start(_ rows: [(PatientID, SymmetricKey?, [StoredEventRow])]) throws {
            let batch = PipelineBatch<Result>()
            worker.async {
                batch.results = Swift.Result {
                    try rows.map { patient, key, rows in try transform(patient, rows.map { SealedPayload.opened(try $0.envelope(), key: key) }) }
                }
                batch.done.signal()
            }
            // The previous batch's results are consumed while this one is transformed.
            let previous = inFlight
            inFlight = batch
            if let previous { try finish(previous) }
        }

        var batch: [(PatientID, SymmetricKey?, [StoredEventRow])] = []
        do {
            try forEachPatientRows { patient, key, rows in
                batch.append((patient, key, rows))
                if batch.count == batchSize { try start(batch); batch = [] }
            }
            if !batch.isEmpty { try start(batch) }
            if let last = inFlight {
                inFlight = nil
                try finish(last)
            }
        } catch {
            // Never leave the worker writing into a batch nobody waits for.
            inFlight?.done.wait()
            throw error
        }
    }
}

/// One batch handed to the folding thread; `done` orders the write of `results` before its read.
private final class PipelineBatch<Result: Sendable>: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var results: Swift.Result<[Result], any Error> = .success([])
}
