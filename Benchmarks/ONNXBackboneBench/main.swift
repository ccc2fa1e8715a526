// ONNXBackboneBench: how fast a user's ONNX backbone gives head-mode features. EfficientNet-Lite0
// is exported to ONNX by Aviary, imported back as an `ImportedBackbone` (what `aviary backbone add`
// does), and its features timed against two peers in the same run, same thread count: the engine's
// own EfficientNet-Lite0 (the zoo backbone's path) and ONNX Runtime on the same file.
//
//   swift build -c release --product ONNXBackboneBench
//   .build/release/ONNXBackboneBench --python .venv/bin/python --threads 2 --repeats 3
import AviaryNN
import AviaryONNX
import AviarySpawn
import AviaryTensor
import Foundation

var python = ".venv/bin/python", threads = 2, repeats = 3, configs = ["32:224", "32:112"]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let flag = arguments.next() {
    let value = arguments.next() ?? ""
    switch flag {
    case "--python": python = value
    case "--threads": threads = Int(value) ?? threads
    case "--repeats": repeats = Int(value) ?? repeats
    case "--configs": configs = value.split(separator: ",").map(String.init)
    default: FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8)); exit(2)
    }
}
setenv("AVIARY_THREADS", String(threads), 1)

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Median seconds of `repeats` runs after one warm-up (which builds the oneDNN primitives).
@MainActor func timed(_ body: () throws -> Void) rethrows -> Double {
    try body()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(times)
}

/// ONNX Runtime's median seconds on `file` for a batch of `batch` images of side `side`.
@MainActor func onnxRuntime(_ file: URL, batch: Int, side: Int, input: String) -> Double? {
    let script = """
    import sys, time, statistics, numpy as np, onnxruntime as ort
    o = ort.SessionOptions(); o.intra_op_num_threads = \(threads); o.inter_op_num_threads = 1
    s = ort.InferenceSession(sys.argv[1], o, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).standard_normal((\(batch), 3, \(side), \(side))).astype(np.float32)
    s.run(None, {"\(input)": x}); t = []
    for _ in range(\(repeats)):
        a = time.perf_counter(); s.run(None, {"\(input)": x}); t.append(time.perf_counter() - a)
    print(statistics.median(t))
    """
    guard let process = try? Spawner.spawn(executable: python, arguments: ["-c", script, file.path],
                                           environment: ProcessInfo.processInfo.environment, standardOutput: .pipe) else { return nil }
    let output = process.standardOutput!.readToEnd()
    _ = process.waitBlocking()
    return Double(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

print("ONNXBackboneBench: EfficientNet-Lite0 features, \(threads) threads, median of \(repeats) after one warm-up")
print("batch  side   imported s   engine s   onnxruntime s   imported/engine   imported/onnxruntime")
var results: [[String: Double]] = []
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-backbone-bench-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
for config in configs {
    let parts = config.split(separator: ":").compactMap { Int($0) }
    guard parts.count == 2 else { continue }
    let (batch, side) = (parts[0], parts[1])
    let engine = try EfficientNetLite0(classes: 1000, seed: 1)
    engine.eval()
    let onnx = try ONNXExporter.export(engine, inputShape: [1, 3, side, side])
    let file = directory.appendingPathComponent("lite0-\(side).onnx")
    try onnx.write(to: file)
    let imported = try ImportedBackbone(onnx: onnx)
    var rng = PCG32(seed: 3)
    let images = try Tensor(shape: [batch, 3, side, side], scalars: (0..<(batch * 3 * side * side)).map { _ in rng.nextNormal() })
    let importedSeconds = try timed { _ = try imported.features(images) }
    let engineSeconds = try timed { _ = try GradientMode.withoutGradients { try engine.features(Variable(images)) } }
    let ortSeconds = onnxRuntime(file, batch: batch, side: side, input: imported.inputName)
    let format = { (value: Double?) in value.map { String(format: "%.3f", $0) } ?? "–" }
    print("\(batch)     \(side)    \(format(importedSeconds))        \(format(engineSeconds))      \(format(ortSeconds))           "
          + "\(String(format: "%.2f", importedSeconds / engineSeconds))              \(ortSeconds.map { String(format: "%.2f", importedSeconds / $0) } ?? "–")")
    var row = ["batch": Double(batch), "side": Double(side), "imported_s": importedSeconds, "engine_s": engineSeconds,
               "imported_over_engine": importedSeconds / engineSeconds]
    if let ortSeconds { row["onnxruntime_s"] = ortSeconds; row["imported_over_onnxruntime"] = importedSeconds / ortSeconds }
    results.append(row)
}
print(String(decoding: try JSONSerialization.data(withJSONObject: ["bench": "onnx-backbone", "threads": threads, "results": results], options: [.sortedKeys]), as: UTF8.self))
