// DataBench: decode + resize + crop throughput of AviaryVision against Pillow, measured in the
// same run with the same number of workers (threads here, processes for Pillow). Rounds alternate
// (ours, Pillow's, ours, …) so both see the same machine load; medians count.
//
//   swift build -c release --product DataBench
//   .build/release/DataBench [--workers 2] [--repeats 7] [--images 200] [--python python3]
//
// Tasks (identical on both sides, see pillow_peer.py):
//   photos   500x375 JPEG files: read, decode, shorter side to 256 (antialiased bilinear), centre crop 224x224
//   fashion  Fashion-MNIST t10k 28x28 gray: resize to 128x128 (bilinear), centre crop 112x112, to RGB
// Ends with one line of JSON.
import AviaryVision
import Foundation

let options = BenchOptions(CommandLine.arguments)
// A missing peer or dataset ends the run with its message and exit status 1, not a crash report.
do {
    let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("pillow_peer.py").path
    let photoDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-databench-\(options.images)").path
    let fashionPath = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

    if !FileManager.default.fileExists(atPath: photoDirectory + "/photo-\(String(format: "%04d", options.images - 1)).jpg") {
        print("preparing \(options.images) photos in \(photoDirectory) …")
        try runPeerCommand(python: options.python, script: peerScript, ["prepare", photoDirectory, "--count", "\(options.images)"])
    }
    let photoPaths = try FileManager.default.contentsOfDirectory(atPath: photoDirectory)
        .filter { $0.hasSuffix(".jpg") }.sorted().map { photoDirectory + "/" + $0 }

    func photoWork(_ decodeOptions: DecodeOptions) -> @Sendable (ImageDecoder, Int) throws -> Void {
        { [photoPaths] decoder, index in _ = try photoTask(decoder, photoPaths[index], decodeOptions) }
    }
    let powerOfTwo = photoWork(DecodeOptions(color: .rgb, minimumSize: Size(width: 256, height: 256)))
    let fractional = photoWork(DecodeOptions(color: .rgb, minimumSize: Size(width: 256, height: 256), allowsFractionalScaling: true))
    let fashion = try IDXFile(contentsOfFile: fashionPath)
    let fashionWork: @Sendable (ImageDecoder, Int) throws -> Void = { _, index in
        let out = fashion.image(at: index).resizedAndCenterCropped(shorterSide: 128, crop: Size(width: 112, height: 112))
            .converted(to: .rgb)
        precondition(out.width == 112 && out.channels == 3)
    }

    let w = options.workers
    var photoRates: [Double] = [], fractionalRates: [Double] = [], pillowPhotoRates: [Double] = []
    let photoPeer = try PeerSession(python: options.python, script: peerScript, task: "photos", path: photoDirectory, workers: w)
    _ = try timedRound(workers: w, items: photoPaths.count, work: powerOfTwo)  // warm-up
    for _ in 0..<options.repeats {
        photoRates.append(try timedRound(workers: w, items: photoPaths.count, work: powerOfTwo))
        pillowPhotoRates.append(try photoPeer.round())
        fractionalRates.append(try timedRound(workers: w, items: photoPaths.count, work: fractional))
    }
    var fashionRates: [Double] = [], pillowFashionRates: [Double] = []
    let fashionPeer = try PeerSession(python: options.python, script: peerScript, task: "fashion", path: fashionPath, workers: w)
    _ = try timedRound(workers: w, items: fashion.count, work: fashionWork)
    for _ in 0..<options.repeats {
        fashionRates.append(try timedRound(workers: w, items: fashion.count, work: fashionWork))
        pillowFashionRates.append(try fashionPeer.round())
    }

    // The whole loader (adds ImageNet normalisation into Float CHW batches): informative, no peer.
    let loader = DataLoader(source: ImageFileSource(paths: photoPaths, labels: photoPaths.map { _ in 0 }),
                            pipeline: .evaluation(), configuration: .init(batchSize: 32, workers: w, shuffle: false))
    var loaderRates: [Double] = []
    for _ in 0...options.repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in loader.batches() {}
        loaderRates.append(Double(photoPaths.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    }

    // Same work, checked: our outputs for the first photos against Pillow's, pixel by pixel.
    let checkDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-databench-check").path
    try FileManager.default.createDirectory(atPath: checkDirectory, withIntermediateDirectories: true)
    let checker = ImageDecoder()
    for path in photoPaths.prefix(8) {
        let out = try photoTask(checker, path, DecodeOptions(color: .rgb, minimumSize: Size(width: 256, height: 256)))
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent + ".png"
        try Data(try checker.encodePNG(out, compressionLevel: 1)).write(to: URL(fileURLWithPath: checkDirectory + "/" + name))
    }
    let comparison = try runPeerCommand(python: options.python, script: peerScript, ["compare", photoDirectory, checkDirectory])
    let agreement = (try JSONSerialization.jsonObject(with: Data(comparison.utf8)) as? [String: Any])?["max_abs_difference"] as? Int ?? -1

    let rows = [
        BenchRow(task: "photos 500x375 → 224 (1/2,1/4,1/8 DCT)", aviary: median(photoRates), pillow: median(pillowPhotoRates)),
        BenchRow(task: "photos, M/8 DCT scaling allowed", aviary: median(fractionalRates), pillow: median(pillowPhotoRates)),
        BenchRow(task: "Fashion-MNIST 28 → 128 → 112 RGB", aviary: median(fashionRates), pillow: median(pillowFashionRates)),
    ]
    printTable(rows, workers: w, peer: photoPeer.peer)
    let loaderRate = median(Array(loaderRates.dropFirst()))
    print(String(format: "loader (photos → ImageNet-normalised Float batches of 32): %.0f images/s", loaderRate))
    print("outputs vs Pillow on 8 photos: largest sample difference \(agreement) (of 255)")
    func rounded2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    let json: [String: Any] = [
        "benchmark": "data", "workers": w, "repeats": options.repeats, "peer": photoPeer.peer,
        "photos_images_per_s": rows[0].aviary.rounded(), "photos_pillow_images_per_s": rows[0].pillow.rounded(),
        "photos_ratio": rounded2(rows[0].ratio),
        "photos_fractional_dct_images_per_s": rows[1].aviary.rounded(), "photos_fractional_dct_ratio": rounded2(rows[1].ratio),
        "fashion_images_per_s": rows[2].aviary.rounded(), "fashion_pillow_images_per_s": rows[2].pillow.rounded(),
        "fashion_ratio": rounded2(rows[2].ratio), "loader_images_per_s": loaderRate.rounded(),
        "photos_max_abs_difference_vs_pillow": agreement,
    ]
    let data = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("DataBench: \(error)\n".utf8))
    exit(1)
}
