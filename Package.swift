// swift-tools-version:6.1
// Aviary: the computer-vision MLOps loop in one Swift program. ../shared/DESIGN.md maps the modules.
import PackageDescription

let package = Package(
    name: "aviary",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aviary", targets: ["aviary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // MARK: Platform: storage
        .target(
            name: "AviaryStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Platform: the domain
        .target(
            name: "AviaryCore",
            dependencies: [
                "AviaryStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // MARK: The command line
        .executableTarget(
            name: "aviary",
            dependencies: [
                "AviaryCore",
                "AviaryStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Tests
        .target(name: "AviaryTestSupport", dependencies: ["AviaryStore", "AviaryCore"], path: "Tests/AviaryTestSupport"),
        .testTarget(name: "AviaryStoreTests", dependencies: ["AviaryStore", "AviaryTestSupport"]),
        .testTarget(name: "AviaryCoreTests", dependencies: ["AviaryCore", "AviaryTestSupport"]),
        .testTarget(name: "AviaryCLITests", dependencies: ["aviary", "AviaryCore", "AviaryStore", "AviaryTestSupport"]),
    ]
)
