// EngineBench: Aviary's engine against PyTorch CPU (and ONNX Runtime for inference), measured in
// the same run with the same thread count, in rounds that alternate with the peer's for each
// config (PeerRounds.swift says why). Prints a table, then one line of JSON.
//
//   make bench-engine            (or: EngineBench --python .venv/bin/python --threads 2 --repeats 3)
//   EngineBench … --inference-only --configs efficientnet_lite0:32:224   (inference only, quick A/B)
//   EngineBench … --no-replay   (batch 1 through the model's forward pass, not an InferenceReplay)
import AviaryNN
import Foundation

struct Options {
    var python = ".venv/bin/python"
    var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Timed passes per side, spread over the rounds.
    var repeats = 3
    var rounds = 3
    /// Inference rounds run at least this long per side: at batch 1 a pass takes milliseconds,
    /// and a handful of them would sample one instant of the machine's load.
    var minimumInferenceRoundSeconds = 0.5
    /// Skips the training measurements (quick A/B runs of inference changes).
    var inferenceOnly = false
    /// Batch-1 inference passes run an `InferenceReplay` of the model where one can be recorded;
    /// `--no-replay` runs the model's forward pass every time.
    var replay = true
    var configs = ["resnet18:32:224", "resnet18:32:112", "resnet18:1:224", "efficientnet_lite0:32:224", "efficientnet_lite0:32:112", "efficientnet_lite0:1:224"]

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            let value = i + 1 < arguments.count ? arguments[i + 1] : ""
            if arguments[i] == "--inference-only" { inferenceOnly = true; i += 1; continue }
            if arguments[i] == "--no-replay" { replay = false; i += 1; continue }
            switch arguments[i] {
            case "--python": python = value
            case "--threads": threads = Int(value) ?? threads
            case "--repeats": repeats = Int(value) ?? repeats
            case "--rounds": rounds = Int(value) ?? rounds
            case "--min-inference-round-seconds": minimumInferenceRoundSeconds = Double(value) ?? minimumInferenceRoundSeconds
            case "--configs": configs = value.split(separator: ",").map(String.init)
            default: FileHandle.standardError.write(Data("unknown option \(arguments[i])\n".utf8)); exit(2)
            }
            i += 2
        }
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// CPU seconds this process has used, all threads, user and system. On the shared build machine
/// wall time swings with the other builders' load; CPU time counts only the work done, so its
/// ratio against the peer's holds up far better than the wall-time one.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Wall and CPU seconds of timed passes, gathered over the rounds, and the part of each pass's
/// wall time spent inside oneDNN's calls (`DNNLCallClock`; the rest is Swift and glue).
struct Samples {
    var walls: [Double] = [], cpus: [Double] = [], insideCalls: [Double] = []
    /// Each round's median wall time.
    var roundMedians: [Double] = []
    var medians: (wall: Double, cpu: Double, insideCalls: Double)? { walls.isEmpty ? nil : (median(walls), median(cpus), median(insideCalls)) }

    /// One warm-up (the first builds and caches the oneDNN primitives; later ones take the caches
    /// back from the peer), then `repeats` timed runs of `body`.
    mutating func time(repeats: Int, _ body: () throws -> Void) rethrows {
        try body()
        for _ in 0..<repeats {
            let cpuStart = processCPUSeconds(), insideStart = DNNLCallClock.reading.seconds
            walls.append(try wallSeconds(body))
            cpus.append(processCPUSeconds() - cpuStart)
            insideCalls.append(DNNLCallClock.reading.seconds - insideStart)
        }
        roundMedians.append(median(Array(walls.suffix(repeats))))
    }
}

/// Wall seconds of one call of `body`.
func wallSeconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Round `round`'s share of `total` timed passes (the first rounds take the remainder), at least one.
func share(of total: Int, round: Int, rounds: Int) -> Int {
    max(1, total / rounds + (round < total % rounds ? 1 : 0))
}

/// The default configs' two models, and MobileNetV2 (`--configs mobilenet_v2:32:224`).
func makeModel(_ name: String) throws -> any Module {
    switch name {
    case "resnet18": try ResNet.resnet18()
    case "mobilenet_v2": try MobileNetV2()
    default: try EfficientNetLite0()
    }
}

let options = Options(CommandLine.arguments)
setenv("AVIARY_THREADS", String(options.threads), 1)
/// How idle OpenMP threads wait, for Aviary and PyTorch alike (the peer inherits the environment):
/// libgomp's default spins a while before sleeping, as ONNX Runtime's pool does; `passive` sleeps
/// at once, and then the peer asks ONNX Runtime not to spin either.
let waitPolicy = ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"].map { $0.isEmpty ? "default" : $0.lowercased() } ?? "default"
// A peer that dies must not take EngineBench with it when we write its next round.
signal(SIGPIPE, SIG_IGN)
let rounds = max(1, min(options.rounds, options.repeats))
DNNLCallClock.start()
print("EngineBench: \(options.threads) threads, median of \(options.repeats) passes in \(rounds) rounds alternating with the peer's (inference rounds at least \(options.minimumInferenceRoundSeconds) s), a warm-up each; oneDNN threads \(DNNLKernels.threadCount); OpenMP wait policy \(waitPolicy)")

/// The one-minute load average: printed beside each config, since it explains most run-to-run moves.
func loadAverage() -> Double {
    var loads = [Double](repeating: 0, count: 1)
    return getloadavg(&loads, 1) == 1 ? loads[0] : .nan
}

var results: [String: [String: Double]] = [:]
var replayed: [String: Bool] = [:]
var roundMedians: [String: [String: [Double]]] = [:]
var peerResults: [String: Any] = [:]
var peerPeak = 0.0
for config in options.configs {
    // The previous config's model is gone: return its memory, so each config's peak is its own.
    DNNLKernels.shared.releaseMemory()
    PeakMemory.reset()
    let parts = config.split(separator: ":")
    let name = String(parts[0]), batch = Int(parts[1])!, size = Int(parts[2])!
    let model = try makeModel(name)
    var rng = PCG32(seed: 1)
    let x = Variable(Tensor.normal([batch, 3, size, size], using: &rng))
    let targets = (0..<batch).map { _ in rng.nextInt(below: 1000) }
    let optimizer = SGD(model.parameters(), learningRate: 0.01, momentum: 0.9)
    var entry: [String: Double] = ["load_average": loadAverage()]
    let peer = PeerRounds(python: options.python, config: config, threads: options.threads, inferenceOnly: options.inferenceOnly)
    let training = batch > 1 && !options.inferenceOnly
    var train = Samples(), infer = Samples()
    var inferPassesPerRound: Int?
    var peerAlive = peer != nil
    for round in 0..<rounds {
        let steps = share(of: options.repeats, round: round, rounds: rounds)
        if training {
            try train.time(repeats: steps) {
                model.train()
                optimizer.zeroGrad()
                try model(x).crossEntropy(targets: targets).backward()
                try optimizer.step()
            }
        }
        // Batch 1 runs as an endpoint serving one image at a time would: an `InferenceReplay`,
        // recorded afresh each round (training rounds change the weights); nil where the pass
        // cannot be replayed, and then the model runs as usual. At batch 32 the glue a replay
        // saves is under 2 % of a pass (EfficientNet-Lite0 b32 112: 0.994×, within the noise).
        model.eval()
        let replay = options.replay && batch == 1 ? try InferenceReplay.record(example: x.value) { try model($0) } : nil
        replayed[config] = replay != nil
        let pass = {
            if let replay {
                _ = try replay.run(x.value)
            } else {
                model.eval()
                _ = try GradientMode.withoutGradients { try model(x) }
            }
        }
        if inferPassesPerRound == nil {
            // Sized by a pass after the warm-up, so that primitive creation does not count.
            try pass()
            let seconds = try wallSeconds(pass)
            inferPassesPerRound = max(steps, Int((options.minimumInferenceRoundSeconds / max(seconds, 1e-6)).rounded(.up)))
        }
        try infer.time(repeats: inferPassesPerRound!, pass)
        print("  \(config) round \(round + 1)/\(rounds): aviary" + (training ? " train \(String(format: "%.3f", train.roundMedians.last!)) s" : "")
              + " infer \(String(format: "%.4f", infer.roundMedians.last!)) s (\(inferPassesPerRound!) passes\(replay != nil ? ", replayed" : ""))")
        if peerAlive { peerAlive = peer!.round(trainSteps: training ? steps : 0, inferPasses: inferPassesPerRound!) }
    }
    if let (wall, cpu, inside) = train.medians { (entry["aviary_train_s"], entry["aviary_train_cpu_s"], entry["aviary_train_dnnl_s"]) = (wall, cpu, inside) }
    if let (wall, cpu, inside) = infer.medians { (entry["aviary_infer_s"], entry["aviary_infer_cpu_s"], entry["aviary_infer_dnnl_s"]) = (wall, cpu, inside) }
    entry["infer_passes"] = Double(infer.walls.count)
    entry["aviary_peak_rss_mb"] = PeakMemory.megabytes()
    results[config] = entry
    roundMedians[config] = ["aviary_train": train.roundMedians, "aviary_infer": infer.roundMedians]
    print("  measured \(config): \(entry.map { "\($0.key)=\(String(format: "%.3f", $0.value))" }.sorted().joined(separator: " "))")
    if let peer {
        let figures = peer.finish()
        if let mine = figures[config] { peerResults[config] = mine }
        peerResults["torch_version"] = figures["torch_version"]
        peerResults["ort_spinning"] = figures["ort_spinning"]
        peerPeak = max(peerPeak, figures["torch_peak_rss_mb"] as? Double ?? 0)
    }
    DNNLKernels.shared.releaseMemory()
    print("  peer \(config): load average \(String(format: "%.1f", loadAverage()))")
}
let aviaryPeak = results.values.compactMap { $0["aviary_peak_rss_mb"] }.max() ?? 0
if peerPeak > 0 { peerResults["torch_peak_rss_mb"] = peerPeak }

func fmt(_ v: Double?) -> String { v.map { String(format: "%8.3f", $0) } ?? "       —" }
func ratio(_ a: Double?, _ b: Double?) -> Double? { if let a, let b, a > 0 { return b / a } else { return nil } }

print("")
print("wall time (the machine's load moves it; see the CPU-time table below)")
print("config                     | train s: aviary   torch  speedup | infer s: aviary   torch     ORT  vs torch  vs ORT")
var json: [String: Any] = ["threads": options.threads, "repeats": options.repeats, "rounds": rounds, "inference_only": options.inferenceOnly, "inference_layout": DNNLKernels.blockedInferenceEnabled ? "blocked" : "nhwc", "omp_wait_policy": waitPolicy, "ort_spinning": peerResults["ort_spinning"] ?? NSNull(), "aviary_peak_rss_mb": aviaryPeak, "torch_peak_rss_mb": peerResults["torch_peak_rss_mb"] ?? NSNull()]
var cpuRows: [String] = [], roundRows: [String] = [], insideRows: [String] = []
for config in options.configs {
    let mine = results[config] ?? [:]
    let theirs = peerResults[config] as? [String: Any] ?? [:]
    func peer(_ key: String) -> Double? { theirs[key] as? Double }
    let tTrain = peer("torch_train_s"), tInfer = peer("torch_infer_s"), ort = peer("ort_infer_s")
    let trainSpeedup = ratio(mine["aviary_train_s"], tTrain), inferVsTorch = ratio(mine["aviary_infer_s"], tInfer), inferVsOrt = ratio(mine["aviary_infer_s"], ort)
    print("\(config.padding(toLength: 26, withPad: " ", startingAt: 0)) | \(fmt(mine["aviary_train_s"])) \(fmt(tTrain)) \(fmt(trainSpeedup)) | \(fmt(mine["aviary_infer_s"])) \(fmt(tInfer)) \(fmt(ort)) \(fmt(inferVsTorch)) \(fmt(inferVsOrt))")
    let tTrainCPU = peer("torch_train_cpu_s"), tInferCPU = peer("torch_infer_cpu_s"), ortCPU = peer("ort_infer_cpu_s")
    let trainCPUSpeedup = ratio(mine["aviary_train_cpu_s"], tTrainCPU), inferCPUVsTorch = ratio(mine["aviary_infer_cpu_s"], tInferCPU), inferCPUVsOrt = ratio(mine["aviary_infer_cpu_s"], ortCPU)
    cpuRows.append("\(config.padding(toLength: 26, withPad: " ", startingAt: 0)) | \(fmt(mine["aviary_train_cpu_s"])) \(fmt(tTrainCPU)) \(fmt(trainCPUSpeedup)) | \(fmt(mine["aviary_infer_cpu_s"])) \(fmt(tInferCPU)) \(fmt(ortCPU)) \(fmt(inferCPUVsTorch)) \(fmt(inferCPUVsOrt)) | \(fmt(mine["aviary_peak_rss_mb"])) \(fmt(peer("torch_peak_rss_mb")))")
    let figures: [String: Double?] = [
        "aviary_train_s": mine["aviary_train_s"], "torch_train_s": tTrain, "train_speedup_vs_torch": trainSpeedup,
        "aviary_infer_s": mine["aviary_infer_s"], "torch_infer_s": tInfer, "ort_infer_s": ort,
        "infer_speedup_vs_torch": inferVsTorch, "infer_speedup_vs_ort": inferVsOrt,
        "aviary_train_cpu_s": mine["aviary_train_cpu_s"], "torch_train_cpu_s": tTrainCPU, "train_cpu_speedup_vs_torch": trainCPUSpeedup,
        "aviary_infer_cpu_s": mine["aviary_infer_cpu_s"], "torch_infer_cpu_s": tInferCPU, "ort_infer_cpu_s": ortCPU,
        "infer_cpu_speedup_vs_torch": inferCPUVsTorch, "infer_cpu_speedup_vs_ort": inferCPUVsOrt,
        "aviary_peak_rss_mb": mine["aviary_peak_rss_mb"], "torch_peak_rss_mb": peer("torch_peak_rss_mb"),
        "load_average": mine["load_average"], "infer_passes": mine["infer_passes"],
        "aviary_train_dnnl_s": mine["aviary_train_dnnl_s"], "aviary_infer_dnnl_s": mine["aviary_infer_dnnl_s"],
        "aviary_infer_replayed": replayed[config].map { $0 ? 1 : 0 },
    ]
    func inside(_ calls: Double?, _ wall: Double?) -> String {
        guard let calls, let wall, wall > 0 else { return "               —" }
        return String(format: "%8.4f (%3.0f %%)", calls, 100 * calls / wall)
    }
    insideRows.append("\(config.padding(toLength: 26, withPad: " ", startingAt: 0)) | \(inside(mine["aviary_train_dnnl_s"], mine["aviary_train_s"])) | \(inside(mine["aviary_infer_dnnl_s"], mine["aviary_infer_s"]))")
    // Per round: the peer's round median over Aviary's round median. Their spread is the noise a
    // single ratio above carries.
    let mineByRound = roundMedians[config] ?? [:]
    func roundRatios(_ aviary: String, _ peerKey: String) -> [Double]? {
        guard let a = mineByRound[aviary], let p = theirs[peerKey] as? [Double], a.count == p.count, !a.isEmpty else { return nil }
        return zip(a, p).map { $1 / $0 }
    }
    let roundFigures: [String: [Double]?] = [
        "train_speedup_vs_torch_rounds": roundRatios("aviary_train", "torch_train_round_s"),
        "infer_speedup_vs_torch_rounds": roundRatios("aviary_infer", "torch_infer_round_s"),
        "infer_speedup_vs_ort_rounds": roundRatios("aviary_infer", "ort_infer_round_s"),
    ]
    func spread(_ values: [Double]?) -> String {
        guard let values, let low = values.min(), let high = values.max() else { return "        —" }
        return String(format: "%4.2f–%4.2f", low, high)
    }
    roundRows.append("\(config.padding(toLength: 26, withPad: " ", startingAt: 0)) | \(spread(roundFigures["train_speedup_vs_torch_rounds"]!)) | \(spread(roundFigures["infer_speedup_vs_torch_rounds"]!)) | \(spread(roundFigures["infer_speedup_vs_ort_rounds"]!))")
    json[config] = figures.mapValues { $0 as Any? ?? NSNull() }.merging(roundFigures.mapValues { $0 as Any? ?? NSNull() }) { $1 }
}
print("")
print("CPU time (all threads, user + system) and per-config peak resident memory")
print("config                     | train cpu s: aviary torch speedup | infer cpu s: aviary torch ORT  vs torch  vs ORT | peak MB: aviary torch")
for row in cpuRows { print(row) }
print(String(format: "whole-run peak memory MB: aviary %.0f, torch %@", aviaryPeak, "\(peerResults["torch_peak_rss_mb"] ?? "—")"))
print("")
print("Aviary's time inside oneDNN's calls, median s a step / pass (share of the wall time; the rest is Swift and glue)")
print("config                     | train              | infer")
for row in insideRows { print(row) }
print("")
print("speedup per round, lowest–highest (each round's peer median / Aviary's median)")
print("config                     | train vs torch | infer vs torch | infer vs ORT")
for row in roundRows { print(row) }
print("speedup = peer time / Aviary time (>1 means Aviary is faster)")
let line = try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])
print(String(decoding: line, as: UTF8.self))

