// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "aviary",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "AviaryWorkflow", targets: ["AviaryWorkflow"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // ---- BEGIN AviaryWorkflow (ASL engine) ----
        .target(
            name: "AviaryWorkflow",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "AviaryWorkflowTests",
            dependencies: ["AviaryWorkflow"]
        ),
        .executableTarget(
            name: "WorkflowBench",
            dependencies: ["AviaryWorkflow"],
            path: "Benchmarks/WorkflowBench"
        ),
        // ---- END AviaryWorkflow ----
    ]
)
