// swift-tools-version:6.0
//
// mashd: the London Multi-Agency Safeguarding Hub daemon.
//
// The layout follows DEVELOPERS.md: a pure core (`MASHCore`), the wire layer every adapter
// shares (`MASHWire`), one target per intake adapter under `adapters/`, the shell targets that
// do I/O (store, intake, outbox, systemd), the daemon that wires them as services, and two thin
// executables.
import PackageDescription

let package = Package(
    name: "mashd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mashd", targets: ["mashd"]),
        .executable(name: "mashctl", targets: ["mashctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // The pure core: domain types, the standard model, screening, case ids. No I/O.
        .target(name: "MASHCore"),
        // Strict JSON, field readers with JSON pointers, intake errors and replies. Pure.
        .target(
            name: "MASHWire",
            dependencies: ["MASHCore", .product(name: "Crypto", package: "swift-crypto")]),

        // Intake adapters, one target each.
        .target(
            name: "MerlinAdapter", dependencies: ["MASHCore", "MASHWire"],
            path: "adapters/merlin/Sources"),
        .target(
            name: "LAReferralAdapter", dependencies: ["MASHCore", "MASHWire"],
            path: "adapters/la-referral/Sources"),
        .target(
            name: "ResearchAdapter", dependencies: ["MASHCore", "MASHWire"],
            path: "adapters/research/Sources"),
        // The registry of every adapter, by format name.
        .target(
            name: "MASHAdapters",
            dependencies: ["MASHCore", "MASHWire", "MerlinAdapter", "LAReferralAdapter", "ResearchAdapter"]),

        // Shell targets.
        .target(name: "CMASHSys"),
        .target(
            name: "MASHMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        .target(
            name: "MASHSystemd",
            dependencies: ["CSystemd", .product(name: "Logging", package: "swift-log")]),
        .target(name: "MASHOutbox", dependencies: ["MASHCore", "CMASHSys"]),
        .target(
            name: "MASHStore",
            dependencies: [
                "MASHCore", "MASHWire", "MASHAdapters",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "MASHIntake",
            dependencies: [
                "MASHCore", "MASHWire", "MASHAdapters", "MASHStore", "MASHMetrics", "CMASHSys",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "MASHProcess",
            dependencies: [
                "MASHCore", "MASHStore", "MASHOutbox", "MASHMetrics",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .target(
            name: "MASHDaemon",
            dependencies: [
                "MASHCore", "MASHWire", "MASHAdapters", "MASHStore", "MASHIntake", "MASHProcess", "MASHOutbox", "MASHSystemd",
                "MASHMetrics",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]),

        // The intake socket's client side, for mashctl, benchmarks and tests.
        .target(name: "MASHClient", dependencies: ["MASHCore", "MASHWire", "CMASHSys"]),
        // The dry run: synthetic notifications, replay in simulated time, model comparison.
        .target(
            name: "MASHReplay",
            dependencies: [
                "MASHCore", "MASHWire", "MASHAdapters", "MASHStore",
                .product(name: "HeapModule", package: "swift-collections"),
            ]),

        // The evaluation report (`mashctl report`): figures read from a store, text/CSV/JSON/HTML.
        .target(
            name: "MASHReport",
            dependencies: ["MASHCore", "MASHStore", .product(name: "GRDB", package: "GRDB.swift")]),

        // Thin executables.
        .executableTarget(
            name: "mashd",
            dependencies: [
                "MASHDaemon", "MASHSystemd",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "mashctl",
            dependencies: [
                "MASHCore", "MASHWire", "MASHStore", "MASHDaemon", "MASHClient", "MASHAdapters", "MASHOutbox", "MASHReplay", "MASHReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),

        // Tests. The adapters' golden-fixture harness is shared by their three test targets.
        .target(name: "AdapterFixtureHarness", dependencies: ["MASHCore", "MASHWire"], path: "Tests/AdapterFixtureHarness"),
        // The standard model built by hand from MASH.md's tables, for the core's and the wire
        // layer's tests alike.
        .target(name: "HandStandardModel", dependencies: ["MASHCore"], path: "Tests/HandStandardModel"),
        .testTarget(name: "MASHCoreTests", dependencies: ["MASHCore", "HandStandardModel"]),
        .testTarget(name: "MASHWireTests", dependencies: ["MASHCore", "MASHWire", "HandStandardModel"]),
        .testTarget(
            name: "MerlinAdapterTests", dependencies: ["AdapterFixtureHarness", "MerlinAdapter", "MASHWire", "MASHCore"],
            path: "adapters/merlin/Tests", exclude: ["Fixtures"]),
        .testTarget(
            name: "LAReferralAdapterTests", dependencies: ["AdapterFixtureHarness", "LAReferralAdapter", "MASHWire", "MASHCore"],
            path: "adapters/la-referral/Tests", exclude: ["Fixtures"]),
        .testTarget(
            name: "ResearchAdapterTests", dependencies: ["AdapterFixtureHarness", "ResearchAdapter", "MASHWire", "MASHCore"],
            path: "adapters/research/Tests", exclude: ["Fixtures"]),
        .testTarget(
            name: "MASHStoreTests",
            dependencies: [
                "MASHStore", "MASHCore", "MASHWire", "MASHAdapters", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "MASHIntakeTests",
            dependencies: [
                "MASHIntake", "MASHStore", "MASHWire", "MASHAdapters", "MASHCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "MASHOutboxTests", dependencies: ["MASHOutbox", "MASHCore"]),
        .testTarget(
            name: "MASHDaemonTests",
            dependencies: ["MASHDaemon", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]),
        .testTarget(
            name: "MASHReportTests",
            dependencies: ["MASHReport", "MASHStore", "MASHCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "mashd", "mashctl", "MASHCore", "MASHClient", "MASHWire", "MASHStore", "MASHReplay",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
    ]
)
