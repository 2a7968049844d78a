import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// The hub's one connection to PostgreSQL, whose statements fail with
/// ``HubError/connectionLost(reason:)`` as soon as the connection closes — never wait forever.
/// ``Hub/withConnection(_:)`` lends it to one user at a time (``HubTurns``).
///
/// Why not `PostgresConnection.query` alone: PostgresNIO 1.33.2 writes a query into the channel
/// without a write promise, so a statement sent after the server dropped the connection (say,
/// `pg_ctl stop -m immediate` between two statements of a batch) is discarded by the closed
/// channel and its result never completes: `hub sync` hung for good, about one time in two.
/// Here every statement's result is raced against the connection closing (one close callback
/// for the connection, not one per statement). A statement abandoned this way stays suspended
/// inside PostgresNIO; the connection is dead by then, and everything after it fails at once.
struct HubConnection: Sendable {
    let connection: PostgresConnection
    private let waiting = NIOLockedValueBox(Waiting())

    /// Who waits for an answer while the connection is open; nil once it closed.
    private struct Waiting {
        var failures: [Int: @Sendable () -> Void]? = [:]
        var next = 0
    }

    init(_ connection: PostgresConnection) {
        self.connection = connection
        let waiting = self.waiting
        connection.closeFuture.whenComplete { _ in
            let failures = waiting.withLockedValue { state in defer { state.failures = nil }; return state.failures ?? [:] }
            for fail in failures.values { fail() }
        }
    }

    var isClosed: Bool { connection.isClosed || waiting.withLockedValue { $0.failures == nil } }

    func close() async throws { try await connection.close() }

    /// Sends `query` and returns its rows, or fails once the connection is closed. (Rows read
    /// after a close are failed by PostgresNIO itself: it fails a stream in progress.)
    @discardableResult
    func queryOrClosed(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        let connection = self.connection
        return try await orClosed { try await connection.query(query, logger: logger) }
    }

    /// Streams `rows` (COPY text format, ``CopyRows``) into `table` of the `myolog` schema with
    /// `COPY … FROM STDIN`, or fails once the connection is closed. PostgresNIO 1.33.2 quotes the
    /// table name whole and offers the text format only: the caller's transaction has set
    /// `search_path` to `myolog` (``Hub/transaction(on:_:)``), so the bare name is the hub's table.
    func copyOrClosed(into table: String, columns: [String], rows: CopyRows, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        try await copyOrClosed(into: table, columns: columns, logger: logger) { send in try await send(rows) }
    }

    /// One `COPY … FROM STDIN` into `table` whose rows `produce` makes and hands to `send` piece
    /// by piece: the server stores each piece while `produce` makes the next. An error `produce`
    /// throws ends the copy (the server is told it failed) and is rethrown; so is the server's.
    func copyOrClosed<T: Sendable>(into table: String, columns: [String], logger: Logger,
                                   produce: @escaping @Sendable (_ send: @Sendable (CopyRows) async throws -> Void) async throws -> T) async throws -> T {
        let connection = self.connection
        return try await orClosed {
            var result: T?
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                result = try await produce { rows in
                    // A few large messages: each write is a round trip through the event loop.
                    var rest = rows.buffer
                    while rest.readableBytes > 0, let chunk = rest.readSlice(length: min(rest.readableBytes, 1 << 20)) {
                        try await writer.write(chunk)
                    }
                }
            }
            return result!
        }
    }

    /// Runs `operation` (one statement), or fails with ``HubError/connectionLost(reason:)`` as
    /// soon as the connection closes, whichever comes first.
    private func orClosed<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let sent = Task { try await operation() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let answered = NIOLockedValueBox(false)
            @Sendable func answer(_ result: Result<T, any Error>) {
                guard answered.withLockedValue({ done in defer { done = true }; return !done }) else { return }
                continuation.resume(with: result)
            }
            let lost: @Sendable () -> Void = { answer(.failure(HubError.connectionLost(reason: "the server closed it"))) }
            let ticket = waiting.withLockedValue { state -> Int? in
                guard state.failures != nil else { return nil }
                state.next += 1
                state.failures![state.next] = lost
                return state.next
            }
            guard let ticket else { sent.cancel(); lost(); return }
            Task {
                let result = await sent.result
                waiting.withLockedValue { state in _ = state.failures?.removeValue(forKey: ticket) }
                answer(result)
            }
        }
    }
}
