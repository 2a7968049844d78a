/// One user of the hub's connection at a time, in arrival order: ``Hub/withConnection(_:)``, the
/// one way to the connection, takes a turn. The hub is an actor, but an actor is reentrant at
/// every `await`: without turns, a second sync's request could run its statements inside the
/// first one's open transaction.
///
/// Why not PostgresNIO's own `PostgresClient` (a pool lending one connection per
/// `withConnection`) in 1.33.2, the release this package resolves:
/// - It cannot say why the server cannot be reached. A lease waits while the pool retries the
///   connection with backoff until its circuit breaker trips, 60 s after the first failure
///   (`ConnectionPoolConfiguration.circuitBreakerTripAfter`, which `PostgresClient.Configuration`
///   does not expose), then fails with `ConnectionPoolError.connectionCreationCircuitBreakerTripped`
///   — the cause dropped (the pool records `lastConnectError` and never returns it); measured
///   against a test cluster with a wrong password: 68 s, then that error alone. The hub
///   refuses a wrong password, a missing database, an untrusted certificate or an unreachable
///   server at once, in one line naming which (``HubError/init(connecting:to:)``), and a
///   `hub serve` whose server went away fails the request at once with
///   ``HubError/connectionLost(reason:)`` saying why opening it again failed.
/// - It would not replace ``HubConnection``: its `withConnection` lends a plain
///   `PostgresConnection`, and its own `query` also writes without a write promise, so a statement
///   sent after the server dropped the connection would still never complete. Each lease would
///   need the close race again, on a pooled connection that outlives it.
/// - A `hub sync` makes one call at a time; several sites load at once as several processes,
///   each on its own backend, taking the turns of their origins and patients in the database
///   (``Hub/takeTurns(_:keys:on:)``). Only concurrent `hub serve` syncs share this connection.
/// Every public entry point takes exactly one turn through ``Hub/withConnection(_:)``, which has
/// `PostgresClient.withConnection`'s shape: once a release reports why a connection failed and
/// fails a statement written to a closed one, only that method changes.
actor HubTurns {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
