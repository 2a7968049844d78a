// swift-tools-version:6.1
import PackageDescription

// Direction of dependency: EventLog ← ClinicalEvents ← Projections ← myolog (CLI), and
// EventLog ← SyncHTTP ← myolog: the HTTP carrier of the sync protocol knows events, not clinics;
// Projections ← FHIRExport ← myolog: FHIR resources are made from the folded record.
// The CLI is a thin shell over the libraries; nothing in Sources/ imports the CLI.
let package = Package(
    name: "Myolog",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "ClinicalEvents", targets: ["ClinicalEvents"]),
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
    ],
    targets: [
        .target(
            name: "EventLog",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API itself, for query limits GRDB does not wrap (sqlite3_limit, heap limit).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ClinicalEvents",
            dependencies: ["EventLog"]
        ),
        .target(
            name: "Projections",
            dependencies: ["EventLog", "ClinicalEvents", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Who was shown which patient's data: the access log's projection, queries and review.
        .target(
            name: "AccessAudit",
            dependencies: ["EventLog", "ClinicalEvents", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "FHIRExport",
            dependencies: ["EventLog", "ClinicalEvents", "Projections", "AccessAudit", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The patient report and the pages of `myolog ui`: typed HTML and the SVG charts, drawn
        // from the folded record. No template library: the pages are built from typed nodes that
        // escape every value (a name cannot become markup), with no new dependency to build.
        .target(
            name: "ClinicalReport",
            dependencies: ["EventLog", "ClinicalEvents", "Projections"]
        ),
        // `myolog ui`: the read-only web view, served with Hummingbird like the sync API.
        .target(
            name: "ClinicViewer",
            dependencies: [
                "EventLog", "ClinicalEvents", "Projections", "ClinicalReport",
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
                "EventLog", "ClinicalEvents", "Projections",
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
                "EventLog",
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
                "EventLog",
                "ClinicalEvents",
                "Projections",
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
        .target(name: "MyologTestSupport", dependencies: ["ClinicalEvents"], path: "Tests/MyologTestSupport"),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog", "MyologTestSupport"]),
        .testTarget(name: "ClinicalEventsTests", dependencies: ["ClinicalEvents", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "ClinicalReport", "ClinicalEvents", "EventLog", "SyncHTTP", "MyologTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "SyncHTTPTests",
            dependencies: [
                "SyncHTTP", "EventLog", "ClinicalEvents", "MyologTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(name: "AccessAuditTests", dependencies: ["AccessAudit", "FHIRExport", "ClinicalEvents", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "ClinicalReportTests", dependencies: ["ClinicalReport", "Projections", "ClinicalEvents", "EventLog", "MyologTestSupport"]),
        .testTarget(name: "FHIRExportTests", dependencies: ["FHIRExport", "Projections", "ClinicalEvents", "EventLog", "MyologTestSupport"]),
        .testTarget(
            name: "MyologCLITests",
            dependencies: ["myolog", "EventLog", "ClinicalEvents", "Projections", "FHIRExport", "ChainHub", "MyologTestSupport"]
        ),
        .testTarget(
            name: "ClinicViewerTests",
            dependencies: [
                "ClinicViewer", "AccessAudit", "Projections", "ClinicalEvents", "EventLog", "MyologTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ]
)
