// DataBench: decode + resize + crop throughput of AviaryVision against Pillow, measured in the
// same run with the same number of workers (threads here, processes for Pillow), medians of rounds.
//
//   swift build -c release --product DataBench
//   .build/release/DataBench [--workers 2] [--repeats 5] [--images 200] [--python python3]
//
// Tasks (identical on both sides, see pillow_peer.py):
//   photos   500x375 JPEG files: read, decode, shorter side to 256 (antialiased bilinear), centre crop 224x224
//   fashion  Fashion-MNIST t10k 28x28 gray: resize to 128x128 (bilinear), centre crop 112x112, to RGB
// Ends with one line of JSON.
import AviaryVision
import Foundation

let options = BenchOptions(CommandLine.arguments)
let benchDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let peerScript = benchDirectory.appendingPathComponent("pillow_peer.py").path
let photoDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-databench-\(options.images)").path
let fashionPath = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

if !FileManager.default.fileExists(atPath: photoDirectory + "/photo-\(String(format: "%04d", options.images - 1)).jpg") {
    print("preparing \(options.images) photos in \(photoDirectory) …")
    _ = try runPeer(options.python, [peerScript, "prepare", photoDirectory, "--count", "\(options.images)"])
}
let photoPaths = try FileManager.default.contentsOfDirectory(atPath: photoDirectory)
    .filter { $0.hasSuffix(".jpg") }.sorted().map { photoDirectory + "/" + $0 }

/// Shorter side to 256, centre 224×224: the standard evaluation transform.
func photoTask(_ decoder: ImageDecoder, _ path: String, _ decodeOptions: DecodeOptions) throws -> Image {
    let image = try decoder.decodeFile(atPath: path, options: decodeOptions)
    let out = image.resizedAndCenterCropped(shorterSide: 256, crop: Size(width: 224, height: 224))
    precondition(out.width == 224 && out.height == 224)
    return out
}

let exact = DecodeOptions(color: .rgb, minimumSize: Size(width: 256, height: 256))
let fractional = DecodeOptions(color: .rgb, minimumSize: Size(width: 256, height: 256), allowsFractionalScaling: true)
var rows: [BenchRow] = []

let photoRate = try measure(workers: options.workers, repeats: options.repeats, items: photoPaths.count) { decoder, index in
    _ = try photoTask(decoder, photoPaths[index], exact)
}
let pillowPhotos = try runPeer(options.python, [peerScript, "run", "photos", photoDirectory, "--workers", "\(options.workers)",
                                               "--repeats", "\(options.repeats)"])
rows.append(BenchRow(task: "photos 500x375 → 224 (default decode)", aviary: photoRate, pillow: pillowPhotos.rate))
let fractionalRate = try measure(workers: options.workers, repeats: options.repeats, items: photoPaths.count) { decoder, index in
    _ = try photoTask(decoder, photoPaths[index], fractional)
}
rows.append(BenchRow(task: "photos, M/8 DCT scaling allowed", aviary: fractionalRate, pillow: pillowPhotos.rate))

let fashion = try IDXFile(contentsOfFile: fashionPath)
let fashionRate = try measure(workers: options.workers, repeats: options.repeats, items: fashion.count) { _, index in
    let out = fashion.image(at: index).resizedAndCenterCropped(shorterSide: 128, crop: Size(width: 112, height: 112),
                                                                 filter: .antialiased).converted(to: .rgb)
    precondition(out.width == 112 && out.channels == 3)
}
let pillowFashion = try runPeer(options.python, [peerScript, "run", "fashion", fashionPath, "--workers", "\(options.workers)",
                                                "--repeats", "\(options.repeats)"])
rows.append(BenchRow(task: "Fashion-MNIST 28 → 128 → 112 RGB", aviary: fashionRate, pillow: pillowFashion.rate))

// The full loader (adds ImageNet normalisation into Float CHW batches); informative, no peer.
let loader = DataLoader(source: ImageFileSource(paths: photoPaths, labels: photoPaths.map { _ in 0 }),
                        pipeline: .evaluation(), configuration: .init(batchSize: 32, workers: options.workers, shuffle: false))
let loaderRate = medianRate(repeats: options.repeats, items: photoPaths.count) { for _ in loader.batches() {} }

printTable(rows, workers: options.workers, peer: pillowPhotos.peer)
print(String(format: "loader (photos → normalised Float batches of 32): %.0f images/s", loaderRate))
let json: [String: Any] = [
    "benchmark": "data", "workers": options.workers, "repeats": options.repeats, "peer": pillowPhotos.peer,
    "photos_images_per_s": rows[0].aviary.rounded(), "photos_pillow_images_per_s": rows[0].pillow.rounded(),
    "photos_ratio": (rows[0].ratio * 100).rounded() / 100,
    "photos_fractional_dct_images_per_s": rows[1].aviary.rounded(), "photos_fractional_dct_ratio": (rows[1].ratio * 100).rounded() / 100,
    "fashion_images_per_s": rows[2].aviary.rounded(), "fashion_pillow_images_per_s": rows[2].pillow.rounded(),
    "fashion_ratio": (rows[2].ratio * 100).rounded() / 100, "loader_images_per_s": loaderRate.rounded(),
]
let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
print(String(decoding: data, as: UTF8.self))
