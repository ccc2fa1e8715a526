// EngineBench: Aviary's engine against PyTorch CPU (and ONNX Runtime for inference), measured in
// the same run with the same thread count. Prints a table, then one line of JSON.
//
//   make bench-engine            (or: EngineBench --python .venv/bin/python --threads 2 --repeats 3)
import AviaryNN
import Foundation

struct Options {
    var python = ".venv/bin/python"
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var repeats = 3
    var configs = ["resnet18:32:224", "resnet18:32:112", "resnet18:1:224", "efficientnet_lite0:32:224", "efficientnet_lite0:32:112", "efficientnet_lite0:1:224"]

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            let value = i + 1 < arguments.count ? arguments[i + 1] : ""
            switch arguments[i] {
            case "--python": python = value
            case "--threads": threads = Int(value) ?? threads
            case "--repeats": repeats = Int(value) ?? repeats
            case "--configs": configs = value.split(separator: ",").map(String.init)
            default: FileHandle.standardError.write(Data("unknown option \(arguments[i])\n".utf8)); exit(2)
            }
            i += 2
        }
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func timed(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm-up: builds and caches the oneDNN primitives
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return median(times)
}

/// Peak resident memory of this process (VmHWM), in MB.
func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func makeModel(_ name: String) throws -> any Module {
    name == "resnet18" ? try ResNet.resnet18() : try EfficientNetLite0()
}

let options = Options(CommandLine.arguments)
setenv("AVIARY_THREADS", String(options.threads), 1)
print("EngineBench: \(options.threads) threads, median of \(options.repeats) after one warm-up; oneDNN threads \(DNNLKernels.threadCount)")

var results: [String: [String: Double]] = [:]
for config in options.configs {
    let parts = config.split(separator: ":")
    let name = String(parts[0]), batch = Int(parts[1])!, size = Int(parts[2])!
    let model = try makeModel(name)
    var rng = PCG32(seed: 1)
    let x = Variable(Tensor.normal([batch, 3, size, size], using: &rng))
    let targets = (0..<batch).map { _ in rng.nextInt(below: 1000) }
    let optimizer = SGD(model.parameters(), learningRate: 0.01, momentum: 0.9)
    var entry: [String: Double] = [:]
    if batch > 1 {
        entry["aviary_train_s"] = try timed(repeats: options.repeats) {
            model.train()
            optimizer.zeroGrad()
            try model(x).crossEntropy(targets: targets).backward()
            try optimizer.step()
        }
    }
    entry["aviary_infer_s"] = try timed(repeats: options.repeats) {
        model.eval()
        _ = try GradientMode.withoutGradients { try model(x) }
    }
    results[config] = entry
    print("  measured \(config): \(entry.map { "\($0.key)=\(String(format: "%.3f", $0.value))" }.sorted().joined(separator: " "))")
}
let aviaryPeak = peakMemoryMB()

// The peer runs after ours so the two never compete for the cores.
let peer = Process()
peer.executableURL = URL(fileURLWithPath: options.python)
let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_peer.py").path
peer.arguments = [script, "--threads", String(options.threads), "--configs", options.configs.joined(separator: ","), "--repeats", String(options.repeats)]
let pipe = Pipe()
peer.standardOutput = pipe
var peerResults: [String: Any] = [:]
do {
    try peer.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    peer.waitUntilExit()
    if let last = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
       let object = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] {
        peerResults = object
    }
} catch {
    print("peer failed to start (\(options.python)): \(error). Run `make bench-engine`, which creates the venv.")
}

func fmt(_ v: Double?) -> String { v.map { String(format: "%8.3f", $0) } ?? "       —" }
func ratio(_ a: Double?, _ b: Double?) -> Double? { if let a, let b, a > 0 { return b / a } else { return nil } }

print("")
print("config                     | train s: aviary   torch  speedup | infer s: aviary   torch     ORT  vs torch  vs ORT")
var json: [String: Any] = ["threads": options.threads, "aviary_peak_rss_mb": aviaryPeak, "torch_peak_rss_mb": peerResults["torch_peak_rss_mb"] ?? NSNull()]
for config in options.configs {
    let mine = results[config] ?? [:]
    let theirs = peerResults[config] as? [String: Any] ?? [:]
    let tTrain = theirs["torch_train_s"] as? Double, tInfer = theirs["torch_infer_s"] as? Double, ort = theirs["ort_infer_s"] as? Double
    let trainSpeedup = ratio(mine["aviary_train_s"], tTrain), inferVsTorch = ratio(mine["aviary_infer_s"], tInfer), inferVsOrt = ratio(mine["aviary_infer_s"], ort)
    print("\(config.padding(toLength: 26, withPad: " ", startingAt: 0)) | \(fmt(mine["aviary_train_s"])) \(fmt(tTrain)) \(fmt(trainSpeedup)) | \(fmt(mine["aviary_infer_s"])) \(fmt(tInfer)) \(fmt(ort)) \(fmt(inferVsTorch)) \(fmt(inferVsOrt))")
    json[config] = [
        "aviary_train_s": mine["aviary_train_s"] as Any? ?? NSNull(), "torch_train_s": tTrain as Any? ?? NSNull(),
        "train_speedup_vs_torch": trainSpeedup as Any? ?? NSNull(),
        "aviary_infer_s": mine["aviary_infer_s"] as Any? ?? NSNull(), "torch_infer_s": tInfer as Any? ?? NSNull(), "ort_infer_s": ort as Any? ?? NSNull(),
        "infer_speedup_vs_torch": inferVsTorch as Any? ?? NSNull(), "infer_speedup_vs_ort": inferVsOrt as Any? ?? NSNull(),
    ]
}
print(String(format: "peak memory MB: aviary %.0f, torch %@ (whole-process peaks)", aviaryPeak, "\(peerResults["torch_peak_rss_mb"] ?? "—")"))
print("speedup = peer time / Aviary time (>1 means Aviary is faster)")
let line = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
print(String(decoding: line, as: UTF8.self))
