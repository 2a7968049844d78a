// swift-tools-version:6.1
import PackageDescription

// Direction of dependency: EventLog ← ClinicalEvents ← Projections ← myolog (CLI).
// The CLI is a thin shell over the libraries; nothing in Sources/ imports the CLI.
let package = Package(
    name: "Myolog",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "ClinicalEvents", targets: ["ClinicalEvents"]),
        .library(name: "Projections", targets: ["Projections"]),
        .executable(name: "myolog", targets: ["myolog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        .target(
            name: "EventLog",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
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
        .executableTarget(
            name: "myolog",
            dependencies: [
                "EventLog",
                "ClinicalEvents",
                "Projections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "EventLogTests", dependencies: ["EventLog"]),
        .testTarget(name: "ClinicalEventsTests", dependencies: ["ClinicalEvents", "EventLog"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "ClinicalEvents", "EventLog"]),
        .testTarget(
            name: "MyologCLITests",
            dependencies: ["myolog", "EventLog", "ClinicalEvents", "Projections"]
        ),
    ]
)
