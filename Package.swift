// swift-tools-version:6.1
// Aviary: the computer-vision MLOps loop in one Swift program. ../shared/DESIGN.md maps the modules.
// Dependencies point one way: C shims ← engine (Vision, Tensor…) ← Store ← Core ← the aviary command.
import PackageDescription

let package = Package(
    name: "aviary",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "aviary", targets: ["aviary"]),
        .library(name: "AviaryVision", targets: ["AviaryVision"]),
        .library(name: "AviaryTensor", targets: ["AviaryTensor"]),
        .library(name: "AviaryNN", targets: ["AviaryNN"]),
        .executable(name: "EngineBench", targets: ["EngineBench"]),
        .executable(name: "DataBench", targets: ["DataBench"]),
        .executable(name: "WorkflowBench", targets: ["WorkflowBench"]),
        .executable(name: "TrainBench", targets: ["TrainBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    ],
    targets: [
        // MARK: C libraries, behind shims that no public API exposes
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG", providers: [.apt(["libpng-dev"])]),
        // oneDNN 2.6.3 (Debian): no pkg-config file, headers in /usr/include, links dnnl (and libgomp's thread count).
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        // libpng reports errors with longjmp, which must never cross Swift frames: this C target owns
        // every setjmp and returns plain error codes. It also holds the zlib gunzip used by IDX files.
        .target(
            name: "CImageCodecs",
            dependencies: ["CPNG"],
            path: "Sources/CImageCodecs",
            linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]
        ),

        // syncfs(2), which Glibc's Swift module does not expose: one flush for a whole batch of blobs.
        .target(name: "CFileSync", path: "Sources/CFileSync"),

        // MARK: Engine: images
        .target(name: "AviaryVision", dependencies: ["CTurboJPEG", "CImageCodecs"]),

        // MARK: Engine: zip archives (Python wheels, torch.save checkpoints)
        .target(name: "AviaryArchive", dependencies: ["CImageCodecs"]),

        // MARK: Engine: tensors, kernels (oneDNN + a plain Swift reference), autograd; layers, optimizers, zoo
        .target(name: "AviaryTensor", dependencies: ["CDNNL"]),
        .target(name: "AviaryNN", dependencies: ["AviaryTensor"]),

        // MARK: Engine: ONNX files, NumPy arrays and PyTorch weights (generated protobuf code is committed)
        .target(name: "AviaryONNX", dependencies: ["AviaryArchive", "AviaryTensor", "AviaryNN", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),

        // MARK: JSON that keeps key order and number spelling, shared by workflows and manifests
        .target(name: "AviaryJSON"),

        // MARK: Child processes: posix_spawn in a group of their own, waitpid on their own pid
        .target(name: "AviarySpawn"),

        // MARK: Workflows: the Amazon States Language, interpreted (pure: no storage, no CLI)
        .target(name: "AviaryWorkflow", dependencies: ["AviaryJSON", "AviarySpawn", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: Platform: storage
        .target(
            name: "AviaryStore",
            dependencies: [
                "CFileSync",
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
                "AviaryVision",
                "AviaryArchive",
                "AviaryTensor",
                "AviaryNN",
                "AviaryONNX",
                "AviaryWorkflow",
                "AviaryJSON",
                "AviarySpawn",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),

        // MARK: The command line
        .executableTarget(
            name: "aviary",
            dependencies: [
                "AviaryCore",
                "AviaryStore",
                "AviaryVision",
                "AviaryWorkflow",
                "AviaryJSON",
                "AviaryONNX",
                "AviaryTensor",
                "AviarySpawn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Benchmarks (outside the test graph)
        .executableTarget(name: "WorkflowBench", dependencies: ["AviaryWorkflow", "AviaryJSON", "AviaryCore", "AviaryStore"], path: "Benchmarks/WorkflowBench"),
        .executableTarget(name: "DataBench", dependencies: ["AviaryVision", "AviarySpawn"], path: "Benchmarks/DataBench", exclude: ["pillow_peer.py"]),

        .executableTarget(name: "TrainBench", dependencies: ["AviaryCore", "AviaryNN", "AviaryStore", "AviaryVision", "AviarySpawn"], path: "Benchmarks/TrainBench", exclude: ["torch_reference.py"]),
        .executableTarget(name: "EngineBench", dependencies: ["AviaryNN", "AviaryTensor", "AviarySpawn"], path: "Benchmarks/EngineBench", exclude: ["torch_peer.py", "layer_profile.py", "layer_ab.py", "train_profile.py"]),
        .executableTarget(name: "ONNXBackboneBench", dependencies: ["AviaryNN", "AviaryONNX", "AviaryTensor", "AviarySpawn"], path: "Benchmarks/ONNXBackboneBench"),

        // MARK: Tests
        .target(name: "AviaryTestSupport", dependencies: ["AviaryStore", "AviaryCore", "AviaryVision", "AviarySpawn"], path: "Tests/AviaryTestSupport"),
        .testTarget(name: "AviaryJSONTests", dependencies: ["AviaryJSON"]),
        .testTarget(name: "AviaryWorkflowTests", dependencies: ["AviaryWorkflow", "AviaryJSON", "AviaryTestSupport"]),
        .testTarget(name: "AviaryArchiveTests", dependencies: ["AviaryArchive", "AviaryTestSupport"]),
        .testTarget(name: "AviaryVisionTests", dependencies: ["AviaryVision"], exclude: ["Fixtures"]),
        .testTarget(name: "AviaryStoreTests", dependencies: ["AviaryStore", "AviaryTestSupport"]),
        .testTarget(name: "AviaryCoreTests", dependencies: ["AviaryCore", "AviaryNN", "AviaryONNX", "AviaryTestSupport", "AviarySpawn"], exclude: ["Evaluation/Fixtures"]),
        .testTarget(name: "AviaryONNXTests", dependencies: ["AviaryONNX", "AviaryNN", "AviaryTensor", "AviaryVision"], exclude: ["Fixtures"]),
        .testTarget(name: "AviaryTensorTests", dependencies: ["AviaryTensor"], exclude: ["Fixtures"]),
        .testTarget(name: "AviaryNNTests", dependencies: ["AviaryNN", "AviaryTensor"], exclude: ["Fixtures"]),
        .testTarget(name: "AviaryCLITests", dependencies: ["aviary", "AviaryCore", "AviaryStore", "AviaryVision", "AviaryTestSupport", "AviarySpawn"]),
    ]
)
