import AviaryNN
import AviaryVision
import Foundation

/// Trains a classifier on dataset images, one epoch at a time, with a checkpoint after each so that
/// `resume` continues a killed run and ends with the weights an unbroken run would have. Everything
/// random (shuffling, augmentation, dropout, initial weights) follows the configuration's seed.
public final class ClassifierTrainer {
    public let configuration: TrainingConfiguration
    public let classes: [String]
    public let train: DatasetImageSource
    public let validation: DatasetImageSource?
    /// The run folder: checkpoints, `state.json`, `metrics.jsonl`.
    public let directory: URL
    public var workers = 2
    /// The pretrained network of `configuration.backbone`: finetune starts from its weights, head
    /// mode keeps it frozen and saves it under the trained head.
    public var backbone: TrainingBackbone?
    /// What head mode trains on: the backbone's features of `train` and `validation`, which
    /// `TrainingJob` computes once and caches.
    public var headFeatures: HeadFeatures?
    /// Called after every epoch with its metrics and the seconds the run has taken (scaled up after a
    /// resume to cover the epochs run before it).
    public var onEpoch: (EpochMetrics, Double) throws -> Void = { _, _ in }

    public struct Outcome {
        public var model: any Module
        public var history: [EpochMetrics]
        /// The epoch whose weights the model holds (the best on validation, else the last).
        public var keptEpoch: Int
        public var stoppedEarly: Bool
        public var skippedSamples: Int
    }

    public init(configuration: TrainingConfiguration, classes: [String], train: DatasetImageSource,
                validation: DatasetImageSource?, directory: URL) {
        self.configuration = configuration
        self.classes = classes
        self.train = train
        self.validation = validation
        self.directory = directory
    }

    /// The transform training images get: random crops and flips when augmenting.
    var trainingPipeline: ImagePipeline {
        let spec = preprocessing
        guard configuration.augment else { return spec.pipeline }
        let size = Size(width: spec.inputSize, height: spec.inputSize)
        let crop: TransformStep = configuration.mode == .scratch
            ? .randomResizedCrop(RandomResizedCrop(size: size, scale: 0.64...1, ratio: 0.9...1.1, filter: .bilinear))
            : .randomResizedCrop(RandomResizedCrop(size: size, filter: .antialiased))
        return ImagePipeline(decodeOptions: DecodeOptions(color: .rgb), steps: [crop, .horizontalFlip(probability: 0.5), .toRGB],
                             normalization: spec.pipeline.normalization)
    }

    /// What evaluation and prediction feed the model; recorded in the artifact.
    public var preprocessing: PreprocessingSpec {
        let size = configuration.imageSize
        var spec: PreprocessingSpec
        if let backbone {
            // The backbone's own transform at the configured size, keeping its resize-to-crop ratio.
            spec = backbone.preprocessing
            spec.resizeTo = Int((Double(size) * Double(spec.resizeTo) / Double(spec.inputSize)).rounded())
            spec.inputSize = size
        } else if configuration.mode == .scratch {
            spec = PreprocessingSpec(resize: .stretch, resizeTo: size, inputSize: size, filter: .bilinear, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
        } else {
            spec = .imageNet(inputSize: size)
        }
        if let resize = configuration.resize {
            spec.resize = resize
            if resize == .stretch { spec.resizeTo = size }
        }
        return spec
    }

    public func run() throws -> Outcome {
        try configuration.validate()
        guard classes.count >= 2 else {
            throw TrainingError.unusableData("a classifier needs at least two classes; the training data has \(classes.count) (\(classes.joined(separator: ", ")))")
        }
        guard train.count > 0 else { throw TrainingError.unusableData("the training data holds no usable labelled image") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if configuration.mode == .head { return try runHead() }

        let model = try makeModel()
        let optimizer = makeOptimizer(model)
        let loader = DataLoader(source: train, pipeline: trainingPipeline,
                                configuration: .init(batchSize: configuration.batchSize, workers: workers, shuffle: true, seed: configuration.seed))
        let schedule = makeSchedule(totalSteps: configuration.epochs * loader.batchCount)
        var state = try resumeState(model: model, optimizer: optimizer)
        let began = Date(), firstEpoch = state.completedEpochs
        while state.completedEpochs < configuration.epochs && !state.stoppedEarly {
            let epoch = state.completedEpochs
            let started = Date()
            ClassifierModels.reseedDropout(model, seed: configuration.seed, epoch: epoch)
            model.train()
            var totals = Totals()
            for batch in loader.batches(epoch: epoch) {
                // A pipeline step's timeout cancels the task; stop between steps, keeping the last checkpoint.
                if Task.isCancelled { throw CancellationError() }
                state.skippedSamples += batch.skipped.count
                guard !batch.labels.isEmpty else { continue }
                try step(model, optimizer, schedule, input: try batch.tensor, labels: batch.labels, state: &state, totals: &totals)
            }
            let validated = try validation.map { try Self.measure(model, on: $0, pipeline: preprocessing.pipeline, batchSize: configuration.batchSize, workers: workers) }
            try endEpoch(epoch, totals: totals, validated: validated, started: started, since: (began, firstEpoch),
                         model: model, optimizer: optimizer, state: &state)
        }
        return try finish(model, state: state)
    }

    /// One optimizer step on a batch, at the schedule's rate, counted in `state` and `totals`.
    func step(_ model: any Module, _ optimizer: any Optimizer, _ schedule: any LearningRateSchedule, input: Tensor, labels: [Int],
              state: inout TrainingState, totals: inout Totals) throws {
        optimizer.learningRate = schedule.learningRate(at: state.step)
        optimizer.zeroGrad()
        let logits = try model(Variable(input))
        let loss = try logits.crossEntropy(targets: labels, labelSmoothing: Float(configuration.labelSmoothing))
        try loss.backward()
        if let norm = configuration.maxGradientNorm { clipGradientNorm(model.parameters(), maxNorm: Float(norm)) }
        try optimizer.step()
        state.step += 1
        totals.add(loss: loss.value.scalars[0], logits: logits.value, labels: labels)
    }

    /// The epoch's metrics recorded (checkpoint, state, log line) and handed to `onEpoch`.
    func endEpoch(_ epoch: Int, totals: Totals, validated: Totals?, started: Date, since run: (began: Date, firstEpoch: Int),
                  model: any Module, optimizer: any Optimizer, state: inout TrainingState) throws {
        let metrics = EpochMetrics(epoch: epoch + 1, trainLoss: totals.meanLoss, trainAccuracy: totals.accuracy,
                                   validationLoss: validated?.meanLoss, validationAccuracy: validated?.accuracy,
                                   learningRate: Double(optimizer.learningRate), images: totals.count, seconds: Date().timeIntervalSince(started))
        try record(metrics, model: model, optimizer: optimizer, state: &state)
        // As if the earlier epochs of a resumed run had taken as long, so the ETA stays honest.
        let elapsed = Date().timeIntervalSince(run.began) * Double(metrics.epoch) / Double(metrics.epoch - run.firstEpoch)
        try onEpoch(metrics, elapsed)
    }

    /// Checkpoint first, then the state that names it, then the metrics line: a kill between any two
    /// leaves a state whose checkpoint is whole, and the epoch simply runs again.
    func record(_ metrics: EpochMetrics, model: any Module, optimizer: any Optimizer, state: inout TrainingState) throws {
        let name = "epoch-\(metrics.epoch).ckpt"
        try Checkpoint.save(model: model, optimizer: optimizer, step: state.step, to: directory.appendingPathComponent(name))
        let previous = state.checkpoint
        state.checkpoint = name
        state.completedEpochs = metrics.epoch
        state.history.append(metrics)
        if validation != nil, let accuracy = metrics.validationAccuracy {
            switch state.earlyStopping.record(accuracy, epoch: metrics.epoch) {
            case .improved: state.bestCheckpoint = name
            case .stop: state.stoppedEarly = configuration.patience > 0
            case .continueTraining: break
            }
        } else {
            state.bestCheckpoint = name
        }
        try state.save(to: directory)
        if let previous, previous != state.bestCheckpoint {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(previous))
        }
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        where stale.hasSuffix(".ckpt") && stale != state.checkpoint && stale != state.bestCheckpoint {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(stale))
        }
        let line = String(decoding: try CanonicalJSON.encode(metrics), as: UTF8.self) + "\n"
        let log = directory.appendingPathComponent("metrics.jsonl")
        if let handle = try? FileHandle(forWritingTo: log) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } else {
            try Data(line.utf8).write(to: log)
        }
    }

    /// The state of an interrupted run, its last checkpoint loaded into `model` and `optimizer`, or a fresh one.
    func resumeState(model: any Module, optimizer: any Optimizer) throws -> TrainingState {
        let state = try TrainingState.load(from: directory)
            ?? TrainingState(earlyStopping: EarlyStopping(goal: .maximize, patience: max(configuration.patience, 1)))
        if let checkpoint = state.checkpoint {
            try Checkpoint.load(model: model, optimizer: optimizer, from: directory.appendingPathComponent(checkpoint))
        }
        return state
    }

    /// The end of a run: the best epoch's weights, in evaluation mode.
    func finish(_ model: any Module, state: TrainingState) throws -> Outcome {
        if let best = state.bestCheckpoint, best != state.checkpoint {
            try Checkpoint.load(model: model, optimizer: nil, from: directory.appendingPathComponent(best))
        }
        model.eval()
        let kept = state.earlyStopping.bestEpoch ?? state.completedEpochs
        return Outcome(model: model, history: state.history, keptEpoch: kept, stoppedEarly: state.stoppedEarly, skippedSamples: state.skippedSamples)
    }

    /// The network finetune and scratch train: the backbone's pretrained classifier with a fresh
    /// head, or the architecture from random weights.
    func makeModel() throws -> any Module {
        if let backbone, configuration.backbone != nil {
            guard backbone.isONNX || backbone.architecture == configuration.architecture else {
                throw TrainingError.invalidConfiguration(field: "architecture", detail: "the backbone \(backbone.name) is a \(backbone.architecture) network, not \(configuration.architecture); leave --architecture out")
            }
            return try backbone.pretrainedClassifier(classes: classes.count, seed: configuration.seed)
        }
        return try ClassifierModels.make(configuration.architecture, classes: classes.count, seed: configuration.seed)
    }

    func makeOptimizer(_ model: any Module) -> any Optimizer {
        let rate = Float(configuration.learningRate), decay = Float(configuration.weightDecay)
        // No weight decay on biases and normalisation parameters, as the best recipes do; a finetuned
        // backbone may learn more slowly than its fresh head.
        let headPrefix = (backbone?.headName ?? "") + "."
        let scale = Float(configuration.backboneLearningRateScale ?? 1)
        var groups: [ParameterGroup] = []
        for inHead in [false, true] {
            let named = model.namedParameters().filter { scale == 1 || $0.0.hasPrefix(headPrefix) == inHead }
            let rateScale: Float = inHead ? 1 : scale
            groups += [ParameterGroup(named.filter { $0.1.shape.count > 1 }.map(\.1), learningRateScale: rateScale),
                       ParameterGroup(named.filter { $0.1.shape.count <= 1 }.map(\.1), learningRateScale: rateScale, weightDecay: 0)]
            if scale == 1 { break }
        }
        return switch configuration.optimizer {
        case .adamw: AdamW(groups, learningRate: rate, weightDecay: decay)
        case .sgd: SGD(groups, learningRate: rate, momentum: 0.9, nesterov: true, weightDecay: decay)
        }
    }

    func makeSchedule(totalSteps: Int) -> any LearningRateSchedule {
        let base = Float(configuration.learningRate)
        return switch configuration.schedule {
        case .cosine: CosineSchedule(base: base, totalSteps: totalSteps)
        case .step: StepSchedule(base: base, stepSize: max(totalSteps / 3, 1), gamma: 0.1)
        case .constant: StepSchedule(base: base, stepSize: Int.max, gamma: 1)
        }
    }
}
