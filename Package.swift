// swift-tools-version:6.1
import PackageDescription

let upcomingFeatures: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rotor",
    products: [
        .executable(name: "rotor", targets: ["rotor"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The routing policy's config file is TOML, like Codex's own config; TOMLKit wraps toml++, a complete
        // TOML 1.0 parser that reports where a syntax error is.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // Pure values, policies and state machines: no I/O, no clock reads, no global randomness.
        .target(
            name: "RotorCore",
            dependencies: [
                // SHA-256 of a routing policy's canonical form: its version in every decision record.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // rotor's calls into the C library (whole writes, private files, file locks) behind one import of it:
        // the one place a port to another system would change.
        .target(
            name: "RotorPlatform",
            swiftSettings: upcomingFeatures
        ),
        // The shared SQLite store and the state directory.
        .target(
            name: "RotorStore",
            dependencies: [
                "RotorCore",
                "RotorPlatform",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // OAuth: auth.json import, login flows, cross-process token refresh.
        .target(
            name: "RotorAuth",
            dependencies: [
                "RotorCore",
                "RotorPlatform",
                "RotorStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The loopback rotation proxy (Hummingbird server, AsyncHTTPClient upstream).
        .target(
            name: "RotorProxy",
            dependencies: [
                "RotorCore",
                "RotorPlatform",
                "RotorStore",
                "RotorAuth",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                // Request-target and client-close handlers of the proxy's HTTP/1 channel.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                // Per-proxy metrics (a registry of its own, no global bootstrap) in Prometheus' text format.
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // The config file (TOML): the routing policy it states, checked against the accounts, with its errors'
        // file and line.
        .target(
            name: "RotorConfig",
            dependencies: [
                "RotorCore",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Hand-written because no maintained package sets Linux's parent-death signal between fork and exec.
        .target(name: "CRotorSpawn"),
        // Launches the user's tool as a child that shares the terminal and dies with rotor.
        .target(
            name: "RotorLauncher",
            dependencies: ["CRotorSpawn"],
            swiftSettings: upcomingFeatures
        ),
        .executableTarget(
            name: "rotor",
            dependencies: [
                "RotorCore",
                "RotorPlatform",
                "RotorStore",
                "RotorAuth",
                "RotorProxy",
                "RotorLauncher",
                "RotorConfig",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcomingFeatures
        ),
        // Benchmarks (`swift run -c release rotor-bench …`); never part of the test suite.
        .executableTarget(
            name: "rotor-bench",
            dependencies: [
                "RotorCore",
                "RotorStore",
                // The seeded generator of the policy benchmark's workloads (the one the tests use).
                "RotorTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "bench/RotorBench",
            swiftSettings: upcomingFeatures
        ),
        // What the tests share: JWTs, a seeded generator, a gate, bounded waits, temporary directories, a test clock.
        // Depends on Foundation only, so that every test target can use it.
        .target(
            name: "RotorTestSupport",
            dependencies: ["RotorCore"],
            path: "Tests/RotorTestSupport",
            swiftSettings: upcomingFeatures
        ),
        .testTarget(name: "RotorTestSupportTests", dependencies: ["RotorTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "RotorCoreTests", dependencies: ["RotorCore", "RotorTestSupport"], swiftSettings: upcomingFeatures),
        .testTarget(
            name: "RotorConfigTests", dependencies: ["RotorConfig", "RotorCore", "RotorTestSupport"],
            swiftSettings: upcomingFeatures),
        .testTarget(
            name: "RotorPlatformTests", dependencies: ["RotorPlatform", "RotorTestSupport"],
            swiftSettings: upcomingFeatures),
        .testTarget(
            name: "RotorStoreTests",
            dependencies: ["RotorStore", "RotorCore", "RotorTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "RotorAuthTests",
            dependencies: [
                "RotorAuth", "RotorStore", "RotorCore", "RotorTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "RotorProxyTests",
            dependencies: [
                "RotorProxy", "RotorAuth", "RotorStore", "RotorCore", "RotorTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: upcomingFeatures
        ),
        .testTarget(
            name: "RotorLauncherTests", dependencies: ["RotorLauncher", "RotorTestSupport"],
            swiftSettings: upcomingFeatures),
        .testTarget(
            name: "rotorTests",
            dependencies: [
                "rotor", "RotorCore", "RotorStore", "RotorProxy", "RotorConfig", "RotorTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcomingFeatures
        ),
    ],
    swiftLanguageModes: [.v6]
)
