// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "aviary",
    platforms: [.macOS(.v14)],
    products: [],
    targets: []
)

// ===== BEGIN AviaryVision block (helper `vision`) =====
package.products += [
    .library(name: "AviaryVision", targets: ["AviaryVision"]),
    .executable(name: "DataBench", targets: ["DataBench"]),
]
package.targets += [
    .systemLibrary(
        name: "CTurboJPEG",
        path: "Sources/CTurboJPEG",
        providers: [.apt(["libturbojpeg0-dev"])]
    ),
    .systemLibrary(
        name: "CPNG",
        path: "Sources/CPNG",
        providers: [.apt(["libpng-dev"])]
    ),
    // libpng reports errors with longjmp, which must never cross Swift frames: this C target owns
    // every setjmp and returns plain error codes. It also holds the zlib gunzip used by IDX files.
    .target(
        name: "CImageCodecs",
        dependencies: ["CPNG"],
        path: "Sources/CImageCodecs",
        linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("z")]
    ),
    .target(
        name: "AviaryVision",
        dependencies: ["CTurboJPEG", "CImageCodecs"],
        path: "Sources/AviaryVision"
    ),
    .testTarget(
        name: "AviaryVisionTests",
        dependencies: ["AviaryVision"],
        path: "Tests/AviaryVisionTests",
        exclude: ["Fixtures"]
    ),
    .executableTarget(
        name: "DataBench",
        dependencies: ["AviaryVision"],
        path: "Benchmarks/DataBench",
        exclude: ["pillow_peer.py"]
    ),
]
// ===== END AviaryVision block =====
