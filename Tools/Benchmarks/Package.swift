// swift-tools-version:6.1
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which differs between checkouts.
let myolog = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized.lastPathComponent

// A separate package so the main build and CI stay lean: package-benchmark and its
// dependencies are only built here. Run from this directory:
//   swift package --allow-writing-to-directory .benchmarkBaselines benchmark
let package = Package(
    name: "MyologBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .executableTarget(
            name: "EventLogBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EventLog", package: myolog),
                .product(name: "EventModel", package: myolog),
                .product(name: "EventCrypto", package: myolog),
                .product(name: "EventSync", package: myolog),
                .product(name: "ClinicalEvents", package: myolog),
                .product(name: "ClinicalLog", package: myolog),
                .product(name: "ClinicalFold", package: myolog),
                .product(name: "Projections", package: myolog),
                .product(name: "SyncHTTP", package: myolog),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/EventLogBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
