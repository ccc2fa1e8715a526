import ArgumentParser
import AviaryCore
import Foundation

/// `aviary train`: a dataset version in, a model artifact out, with a progress line per epoch.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an image classifier on a dataset version; checkpoints every epoch, resumable.",
        discussion: """
            Modes: scratch (a small CNN from random weights, for tiny images such as Fashion-MNIST), \
            finetune (the whole network; from pretrained weights with --backbone), head (a softmax head on \
            a frozen pretrained --backbone: its features are computed once per image and cached, so a \
            second run with other head settings skips the backbone). \
            Each epoch prints loss, accuracy, images/s and the time left, and appends a line to \
            .aviary/training/RUN/metrics.jsonl. Run the same command again with the same --name after \
            an interruption: it continues from the last finished epoch and ends as an unbroken run would.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The training dataset version (NAME, NAME@ID or an id prefix), e.g. fashion.train.") var dataset: String
    @Option(help: "A validation dataset version, for early stopping and the kept weights.") var validation: String?
    @Option(help: "scratch, finetune or head.") var mode: TrainingConfiguration.Mode = .scratch
    @Option(help: "small-cnn, resnet18, mobilenet-v2 or efficientnet-lite0 (default by mode, or the backbone's).") var architecture: String?
    @Option(help: "A pretrained backbone (aviary backbone pull NAME, or aviary backbone add FILE.onnx --name NAME), e.g. efficientnet-lite0: needed by head mode, the starting weights in finetune.") var backbone: String?
    @Option(help: "shorter-side-then-center-crop or stretch (for images already square); default by mode.") var resize: PreprocessingSpec.Resize?
    @Option(name: .customLong("backbone-lr-scale"), help: "Finetune: the backbone's learning rate as a fraction of the head's (0…1].") var backboneLearningRateScale: Double?
    @Option(help: "Epochs (default: 10, head 20).") var epochs: Int?
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize = 32
    @Option(name: .customLong("learning-rate"), help: "Peak learning rate (default by mode).") var learningRate: Double?
    @Option(help: "adamw or sgd.") var optimizer: TrainingConfiguration.OptimizerKind = .adamw
    @Option(help: "cosine, step or constant.") var schedule: TrainingConfiguration.Schedule = .cosine
    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay (default by mode).") var weightDecay: Double?
    @Option(name: .customLong("label-smoothing"), help: "Label smoothing, 0..<1.") var labelSmoothing = 0.1
    @Option(name: .customLong("image-size"), help: "Side of the square input (default: scratch 32, an ONNX backbone's own, else 224).") var imageSize: Int?
    @Option(help: "Epochs without a better validation accuracy before stopping; 0 turns it off.") var patience = 3
    @Flag(inversion: .prefixedNo, help: "Random crops and flips (default: on, off in head mode).") var augment: Bool?
    @Option(help: "Seed for weights, shuffling and augmentation.") var seed: UInt64 = 0
    @Option(help: "Name of the run (default: generated); the same name resumes it.") var name: String?
    @Option(help: "Register the trained model in this model group.") var register: String?
    @Option(help: "Who registers it (default: AVIARY_USER or USER).") var by: String?
    @Flag(help: "Print the finished run as JSON; progress goes to standard error.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            // An ONNX backbone's network is its imported graph, taking its own image side by default.
            let onnxSide = try await BackboneCatalog(project: project).onnxInputSize(backbone)
            if onnxSide != nil, let architecture {
                throw TrainingError.invalidConfiguration(field: "architecture", detail: "'\(backbone ?? "")' is an ONNX backbone: the network is its imported graph, not \(architecture); leave --architecture out")
            }
            let imageSize = imageSize ?? onnxSide
            let configuration = TrainingConfiguration(
                mode: mode, architecture: architecture, epochs: epochs, batchSize: batchSize, learningRate: learningRate,
                optimizer: optimizer, schedule: schedule, weightDecay: weightDecay, labelSmoothing: labelSmoothing,
                augment: augment, imageSize: imageSize, patience: patience, seed: seed, backbone: backbone, resize: resize,
                backboneLearningRateScale: backboneLearningRateScale)
            let request = TrainingJob.Request(train: dataset, validation: validation, configuration: configuration, name: name,
                                              register: register, by: ModelCommand.actor(by))
            let total = configuration.epochs
            let json = json
            let show: (String) -> Void = { line in
                FileHandle(fileDescriptor: json ? 2 : 1).write(Data((line + "\n").utf8))
            }
            let throttle = ProgressThrottle(interval: 2)
            let run = try await TrainingJob(project: project).run(request, onEpoch: { metrics, elapsed in
                show(TrainingProgress.line(metrics, of: total, elapsed: elapsed))
            }, onFeatures: { progress in
                if throttle.due(final: progress.done == progress.total) { show(progress.line) }
            })
            try TrainingReport.writeCurves(run, in: project.layout)
            if json { try JSONOutput.print(run); return }
            print(TrainingReport.summary(run, in: project.layout))
        }
    }
}

/// Lets a progress line through at most every `interval` seconds, and always the last one.
final class ProgressThrottle {
    let interval: Double
    private var last: Date?

    init(interval: Double) { self.interval = interval }

    func due(final: Bool, now: Date = Date()) -> Bool {
        guard final || last.map({ now.timeIntervalSince($0) >= interval }) ?? true else { return false }
        last = now
        return true
    }
}

extension TrainingConfiguration.Mode: ExpressibleByArgument {}
extension PreprocessingSpec.Resize: ExpressibleByArgument {}
extension TrainingConfiguration.OptimizerKind: ExpressibleByArgument {}
extension TrainingConfiguration.Schedule: ExpressibleByArgument {}
