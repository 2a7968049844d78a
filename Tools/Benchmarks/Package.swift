// swift-tools-version:6.1
import PackageDescription

// A separate package so the main build and CI stay lean: package-benchmark and its
// dependencies are only built here. Run from this directory:
//   swift package --allow-writing-to-directory .benchmarkBaselines benchmark
let package = Package(
    name: "MyologBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EventLogBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EventLog", package: "Myolog"),
                .product(name: "ClinicalEvents", package: "Myolog"),
            ],
            path: "Benchmarks/EventLogBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
