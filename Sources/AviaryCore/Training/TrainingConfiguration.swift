import Foundation

/// Everything that decides how a classifier is trained. Recorded with the run and the artifact, so a
/// model says exactly how it was made, and checked before any work starts, naming the field.
public struct TrainingConfiguration: Codable, Sendable, Hashable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Frozen pretrained backbone, cached features, a softmax head: seconds, the Create ML way.
        case head
        /// The whole network trained, with augmentation.
        case finetune
        /// A small CNN from random weights, for tiny inputs.
        case scratch
    }

    /// What a finetuned backbone's batch norms do in training.
    public enum BatchNormPolicy: String, Codable, Sendable, CaseIterable {
        /// Normalise with the pretrained running statistics and leave them alone (γ and β still
        /// train): training and evaluation compute the same function, as Keras advises for finetuning
        /// on small data. The pretrained statistics suit new images well enough (head mode uses them).
        case frozen
        /// Normalise with batch statistics and move the running ones (PyTorch's `model.train()`).
        /// EfficientNet-Lite0's momentum is 0.01, so after a few hundred steps the running statistics
        /// still lag weights that moved, and evaluation sees another network.
        case train
    }

    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adamw, sgd }
    public enum Schedule: String, Codable, Sendable, CaseIterable { case cosine, step, constant }

    public var mode: Mode
    /// `small-cnn`, `resnet18`, `mobilenet-v2` or `efficientnet-lite0`.
    public var architecture: String
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: OptimizerKind
    public var schedule: Schedule
    public var weightDecay: Double
    public var labelSmoothing: Double
    public var augment: Bool
    /// The side of the square images the network sees.
    public var imageSize: Int
    /// Epochs without a better validation accuracy before stopping; 0 turns early stopping off.
    public var patience: Int
    public var seed: UInt64
    public var maxGradientNorm: Double?
    /// A pretrained backbone (`aviary backbone pull NAME`): frozen under a trained head in `head` mode,
    /// the starting weights in `finetune` mode. Nil trains from random weights.
    public var backbone: String?
    /// How images become the square input; nil takes the mode's default (the backbone's own
    /// shorter-side-then-center-crop, or a stretch for scratch). `stretch` suits images already square.
    public var resize: PreprocessingSpec.Resize?
    /// Multiplies the learning rate of a finetuned backbone's weights (the fresh head keeps the full rate).
    public var backboneLearningRateScale: Double?
    /// Finetune with a backbone: frozen (default) or trained batch-norm statistics; nil elsewhere.
    public var batchNorm: BatchNormPolicy?
    /// Finetune and scratch augmentation: the smallest area fraction a random resized crop keeps
    /// (torchvision's 0.08 loses most of a 28-pixel garment; finetune defaults to 0.35, scratch 0.64).
    public var minimumCropScale: Double?

    /// Defaults that suit each mode, as the best trainers choose them.
    public init(mode: Mode, architecture: String? = nil, epochs: Int? = nil, batchSize: Int = 32, learningRate: Double? = nil,
                optimizer: OptimizerKind = .adamw, schedule: Schedule = .cosine, weightDecay: Double? = nil,
                labelSmoothing: Double = 0.1, augment: Bool? = nil, imageSize: Int? = nil, patience: Int = 3, seed: UInt64 = 0,
                maxGradientNorm: Double? = nil, backbone: String? = nil, resize: PreprocessingSpec.Resize? = nil,
                backboneLearningRateScale: Double? = nil, batchNorm: BatchNormPolicy? = nil, minimumCropScale: Double? = nil) {
        self.mode = mode
        // A zoo backbone is named by its architecture.
        self.architecture = architecture ?? backbone.flatMap { Self.architectures.contains($0) ? $0 : nil }
            ?? (mode == .scratch ? "small-cnn" : "efficientnet-lite0")
        self.epochs = epochs ?? (mode == .head ? 20 : 10)
        self.batchSize = batchSize
        // Finetune from a backbone: the fresh head at 1e-3, the pretrained weights at a tenth of it.
        self.learningRate = learningRate ?? (mode == .finetune && backbone == nil ? 1e-4 : 1e-3)
        self.optimizer = optimizer
        self.schedule = schedule
        self.weightDecay = weightDecay ?? (mode == .head ? 1e-4 : 0.01)
        self.labelSmoothing = labelSmoothing
        self.augment = augment ?? (mode != .head)
        self.imageSize = imageSize ?? (mode == .scratch ? 32 : 224)
        self.patience = patience
        self.seed = seed
        self.maxGradientNorm = maxGradientNorm
        self.backbone = backbone
        self.resize = resize
        let finetunesBackbone = mode == .finetune && backbone != nil
        self.backboneLearningRateScale = backboneLearningRateScale ?? (finetunesBackbone ? 0.1 : nil)
        self.batchNorm = batchNorm ?? (finetunesBackbone ? .frozen : nil)
        self.minimumCropScale = minimumCropScale ?? (self.augment && mode != .head ? (mode == .scratch ? 0.64 : 0.35) : nil)
    }

    public static let architectures = ["small-cnn", "resnet18", "mobilenet-v2", "efficientnet-lite0"]

    public func validate() throws(TrainingError) {
        func fail(_ field: String, _ detail: String) -> TrainingError { .invalidConfiguration(field: field, detail: detail) }
        guard Self.architectures.contains(architecture) else {
            throw fail("architecture", "'\(architecture)' is not one of \(Self.architectures.joined(separator: ", "))")
        }
        guard mode != .scratch || architecture == "small-cnn" else {
            throw fail("architecture", "scratch mode trains small-cnn; use finetune for \(architecture)")
        }
        guard (1...10_000).contains(epochs) else { throw fail("epochs", "must be 1…10000, not \(epochs)") }
        guard (1...4096).contains(batchSize) else { throw fail("batch-size", "must be 1…4096, not \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite, learningRate < 10 else { throw fail("learning-rate", "must be above 0 and below 10, not \(learningRate)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weight-decay", "must be 0 or more, not \(weightDecay)") }
        guard (0..<1).contains(labelSmoothing) else { throw fail("label-smoothing", "must be in 0..<1, not \(labelSmoothing)") }
        guard (8...1024).contains(imageSize) else { throw fail("image-size", "must be 8…1024, not \(imageSize)") }
        guard patience >= 0 else { throw fail("patience", "must be 0 or more, not \(patience)") }
        if let norm = maxGradientNorm, !(norm > 0) { throw fail("max-gradient-norm", "must be above 0, not \(norm)") }
        if mode == .head && backbone == nil {
            throw fail("backbone", "head mode trains a head on a frozen pretrained backbone: add --backbone efficientnet-lite0 (after aviary backbone pull efficientnet-lite0)")
        }
        if mode == .scratch && backbone != nil { throw fail("backbone", "scratch mode starts from random weights; use --mode finetune or head with a backbone") }
        if let scale = backboneLearningRateScale {
            guard mode == .finetune, backbone != nil else { throw fail("backbone-lr-scale", "applies to --mode finetune with a --backbone only") }
            guard scale > 0, scale <= 1 else { throw fail("backbone-lr-scale", "must be above 0 and at most 1, not \(scale)") }
        }
        if batchNorm != nil && !(mode == .finetune && backbone != nil) {
            throw fail("batch-norm", "applies to --mode finetune with a --backbone only")
        }
        if mode == .head && augment { throw fail("augment", "head mode trains on cached features of the unaugmented images; drop --augment") }
        if let scale = minimumCropScale {
            guard augment, mode != .head else { throw fail("crop-scale", "applies to augmented finetune or scratch training only") }
            guard scale > 0, scale <= 1 else { throw fail("crop-scale", "must be above 0 and at most 1, not \(scale)") }
        }
    }

    /// The settings as strings, for the registry's lineage and the artifact.
    public var hyperparameters: [String: String] {
        var values = ["mode": mode.rawValue, "architecture": architecture, "epochs": "\(epochs)", "batch-size": "\(batchSize)",
                      "learning-rate": "\(learningRate)", "optimizer": optimizer.rawValue, "schedule": schedule.rawValue,
                      "weight-decay": "\(weightDecay)", "label-smoothing": "\(labelSmoothing)", "augment": "\(augment)",
                      "image-size": "\(imageSize)", "patience": "\(patience)", "seed": "\(seed)"]
        if let maxGradientNorm { values["max-gradient-norm"] = "\(maxGradientNorm)" }
        if let backbone { values["backbone"] = backbone }
        if let resize { values["resize"] = resize.rawValue }
        if let backboneLearningRateScale { values["backbone-lr-scale"] = "\(backboneLearningRateScale)" }
        if let batchNorm { values["batch-norm"] = batchNorm.rawValue }
        if let minimumCropScale { values["crop-scale"] = "\(minimumCropScale)" }
        return values
    }
}
