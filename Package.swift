// swift-tools-version:6.1
import PackageDescription

// Modules and the direction of their dependencies (each arrow points at what it builds on;
// nothing points back up, and nothing in Sources/ imports the CLI):
//
//   EventModel ← EventCrypto ← EventSync ← EventLog (SQLite/GRDB: the only storage module)
//   EventModel ← ClinicalEvents ← ClinicalFold               (pure: payloads, the fold, the views)
//   EventLog, ClinicalFold ← ClinicalLog                      (clinical writes and reads on a store;
//                                                              sign-off and co-signature ask the fold)
//   EventLog, ClinicalLog, ClinicalFold ← Projections, AccessAudit   (the SQLite view tables)
//   Projections, AccessAudit ← FHIRExport;  Projections ← ClinicalReport ← ClinicViewer
//   EventSync ← SyncHTTP                                      (HTTPS carrier: no GRDB, no SQLite)
//   EventSync, ClinicalFold ← ChainHub                        (PostgreSQL hub: no GRDB, no SQLite;
//                                                              its home directory is a `NodeHome`)
//   everything ← myolog (a thin CLI)
//
// GRDB is imported by EventLog and by the files that read and write the SQLite view tables
// (Projections, AccessAudit); SyncHTTP serves any `ServedLog` and ChainHub keeps its node in any
// `NodeHome`, both protocols of EventSync that the SQLite store conforms to.
let package = Package(
    name: "Myolog",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "EventModel", targets: ["EventModel"]),
        .library(name: "EventCrypto", targets: ["EventCrypto"]),
        .library(name: "EventSync", targets: ["EventSync"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "ClinicalEvents", targets: ["ClinicalEvents"]),
        .library(name: "ClinicalLog", targets: ["ClinicalLog"]),
        .library(name: "ClinicalFold", targets: ["ClinicalFold"]),
        .library(name: "Projections", targets: ["Projections"]),
        .library(name: "SyncHTTP", targets: ["SyncHTTP"]),
        .library(name: "FHIRExport", targets: ["FHIRExport"]),
        .library(name: "ClinicalReport", targets: ["ClinicalReport"]),
        .executable(name: "myolog", targets: ["myolog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        // Sync over HTTP. Default traits off: the server needs neither swift-configuration nor
        // the extra Foundation conveniences, and each costs CI build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Mutual TLS: already in the graph through Hummingbird and AsyncHTTPClient (NIOSSL) and
        // swift-certificates (X509, for the self-signed node certificates), so they cost no new build.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // Graceful shutdown of the server (already in the graph through Hummingbird).
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Typed HTTP field names for the sync headers (already in the graph through Hummingbird).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // DER encoding of the node certificates' extensions (already in the graph through swift-certificates).
        .package(url: "https://github.com/apple/swift-asn1", from: "1.5.0"),
        // `serve --metrics`: the server counts through the swift-metrics API (already in the graph
        // through Hummingbird), and swift-prometheus — the Swift server workgroup's exporter, one
        // small target over swift-metrics and swift-atomics — renders the Prometheus text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The chain-wide hub keeps its log and views in PostgreSQL. PostgresNIO is the Swift
        // server workgroup's client: it speaks the wire protocol on SwiftNIO (already in the
        // graph), so it links no libpq and needs no system library; it has COPY FROM STDIN for
        // bulk receive. Cost: 2.5–4.5 minutes more of CI's first build.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // `swift package generate-documentation`: Tools/test builds the DocC catalogs
        // (Sources/*/*.docc) on a full run, so a ``Symbol`` link that no longer resolves (a type
        // renamed, an article's link mistyped) fails CI instead of rotting. A plugin only: no target
        // links it and `swift build` compiles none of it; resolving it clones two small packages, and
        // the docs step costs 1–3 minutes after the build the tests need anyway (CI stays far below
        // its 40-minute budget).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The log's vocabulary: ids, clocks, timestamps, the envelope and its canonical JSON, errors.
        // Pure values; SHA-256 (the event hash) is its only dependency.
        .target(
            name: "EventModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Node keys, sealed payloads and patient keys, chain signatures.
        .target(
            name: "EventCrypto",
            dependencies: ["EventModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The sync protocol, written against `LogPeer`/`LocalLog`: the exchange, the receive
        // rules every engine obeys, the chain walk, trust standings. No storage engine.
        .target(
            name: "EventSync",
            dependencies: ["EventModel", "EventCrypto", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The SQLite store: schema, append, reader, queries, trust list, erasure, bundles, backups.
        .target(
            name: "EventLog",
            dependencies: [
                "EventModel", "EventCrypto", "EventSync",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API itself, for query limits GRDB does not wrap (sqlite3_limit, heap limit).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                // `myolog backup`: scrypt, the password-based KDF that keys the backup file (its
                // memory cost is what slows a guesser with GPUs; PBKDF2 has none). Part of
                // swift-crypto, already a dependency: one more target of that package to build.
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The clinic's vocabulary and payloads: typed events, checked input. No storage.
        .target(
            name: "ClinicalEvents",
            dependencies: ["EventModel"],
            // The outcome measures are data (Schemas/instrument.schema.json), compiled into the
            // binary as byte arrays: nothing to install beside it, the same rules everywhere.
            resources: [.embedInCode("Instruments")]
        ),
        // Clinical writes and reads on a store: the session that checks and appends entries,
        // the read queries the commands ask before writing, synthetic clinics for benchmarks.
        .target(
            name: "ClinicalLog",
            dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalFold"]
        ),
        // The fold: a patient's events in causal order → the typed record and its views. Pure
        // values, so the SQLite projections and the PostgreSQL hub fold with one copy of the rules.
        .target(
            name: "ClinicalFold",
            dependencies: ["EventModel", "ClinicalEvents"]
        ),
        .target(
            name: "Projections",
            dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalLog", "ClinicalFold", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Who was shown which patient's data: the access log's projection, queries and review.
        .target(
            name: "AccessAudit",
            dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "FHIRExport",
            dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalFold", "Projections", "AccessAudit", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The patient report and the pages of `myolog ui`: typed HTML and the SVG charts, drawn
        // from the folded record. No template library: the pages are built from typed nodes that
        // escape every value (a name cannot become markup), with no new dependency to build.
        .target(
            name: "ClinicalReport",
            dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalFold", "Projections"]
        ),
        // `myolog ui`: the read-only web view, served with Hummingbird like the sync API.
        .target(
            name: "ClinicViewer",
            dependencies: [
                "EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalLog", "ClinicalFold", "Projections", "ClinicalReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // The per-run token of `ui` (random bytes, SHA-256 for the constant-time comparison).
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The hub: a node whose log and views live in PostgreSQL, receiving through the same
        // rules as a SQLite store (EventLog's `ReceiveRules`), serving as a `LogPeer`.
        .target(
            name: "ChainHub",
            dependencies: [
                "EventModel", "EventCrypto", "EventSync", "ClinicalEvents", "ClinicalFold",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // TLS to the server (sslmode): already in the graph through PostgresNIO.
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "SyncHTTP",
            dependencies: [
                "EventModel", "EventCrypto", "EventSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "myolog",
            dependencies: [
                "EventModel", "EventCrypto", "EventSync", "EventLog",
                "ClinicalEvents",
                "ClinicalLog",
                "ClinicalFold", "Projections",
                "SyncHTTP",
                "FHIRExport",
                "AccessAudit",
                "ClinicalReport",
                "ClinicViewer",
                "ChainHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // The CLI chooses where the server's log lines go (stderr) and at what level.
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What every test target shares: temporary directories that clean up after themselves, a
        // seeded generator. Not a product: users never see it.
        .target(name: "MyologTestSupport", dependencies: ["EventModel", "EventLog", "ClinicalEvents", "ClinicalLog"], path: "Tests/MyologTestSupport"),
        .testTarget(name: "EventModelTests", dependencies: ["EventModel", "EventCrypto", "MyologTestSupport"]),
        .testTarget(name: "EventLogTests", dependencies: ["EventModel", "EventCrypto", "EventSync", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "ClinicalEventsTests", dependencies: ["ClinicalEvents", "ClinicalLog", "EventModel", "EventCrypto", "EventSync", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["ClinicalFold", "Projections", "ClinicalReport", "ClinicalEvents", "ClinicalLog", "EventModel", "EventCrypto", "EventSync", "EventLog", "SyncHTTP", "MyologTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "SyncHTTPTests",
            dependencies: [
                "SyncHTTP", "EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "MyologTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "AccessAuditTests", dependencies: ["AccessAudit", "FHIRExport", "ClinicalEvents", "EventModel", "EventCrypto", "EventSync", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "ClinicalReportTests", dependencies: ["ClinicalReport", "ClinicalFold", "Projections", "ClinicalEvents", "EventModel", "EventCrypto", "EventSync", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "FHIRExportTests", dependencies: ["FHIRExport", "ClinicalFold", "Projections", "ClinicalEvents", "ClinicalLog", "EventModel", "EventCrypto", "EventSync", "EventLog", "MyologTestSupport"]),
        .testTarget(
            name: "MyologCLITests",
            dependencies: ["myolog", "EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalFold", "Projections", "FHIRExport", "ChainHub", "MyologTestSupport"]
        ),
        // The hub's rules and migrations against a real PostgreSQL (a throw-away cluster).
        .testTarget(
            name: "ChainHubTests",
            dependencies: [
                "ChainHub", "EventModel", "EventCrypto", "EventSync", "EventLog", "ClinicalEvents", "ClinicalLog", "MyologTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "ClinicViewerTests",
            dependencies: [
                "ClinicViewer", "AccessAudit", "Projections", "ClinicalEvents", "ClinicalLog", "EventModel", "EventLog", "MyologTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
