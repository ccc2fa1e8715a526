import AviaryStore
import Foundation

/// A trained model as one content-addressed document: the network (the engine's weights for a named
/// architecture, and/or an ONNX graph, each a blob of its own), the class labels in output order, the
/// preprocessing, how the graph is called, the metrics it earned and where it came from. The registry,
/// `aviary predict`, workflows and endpoints all take this, so a model can always say what it was
/// trained on and how to feed it. An ONNX blob alone still runs anywhere.
public struct ModelArtifact: Codable, Sendable, Hashable {
    public static let currentFormat = "aviary.model.v1"

    /// Refused unless known, so that a newer program's artifact is never misread.
    public var format: String
    public var onnx: BlobID?
    public var weights: EngineWeights?
    public var classes: [String]
    public var preprocessing: PreprocessingSpec
    public var signature: Signature
    public var metrics: [String: Double]
    public var lineage: Lineage

    /// A network the engine builds by name, with its state dict (parameters and buffers, PyTorch
    /// names) as an AviaryTensor archive.
    public struct EngineWeights: Codable, Sendable, Hashable {
        public var architecture: String
        public var stateDict: BlobID

        public init(architecture: String, stateDict: BlobID) {
            self.architecture = architecture
            self.stateDict = stateDict
        }
    }

    /// The graph's input and output, as named in the ONNX file.
    public struct Signature: Codable, Sendable, Hashable {
        public var input: String
        public var output: String
        /// Whether `output` is already softmaxed; when false, consumers apply softmax to the logits.
        public var outputIsProbabilities: Bool

        public init(input: String = "input", output: String = "logits", outputIsProbabilities: Bool = false) {
            self.input = input
            self.output = output
            self.outputIsProbabilities = outputIsProbabilities
        }
    }

    /// What the artifact was made from, enough to explain it and to run the training again.
    public struct Lineage: Codable, Sendable, Hashable {
        public var datasetVersion: String?
        public var backbone: String?
        public var hyperparameters: [String: String]
        /// The Aviary version (and, where known, the source commit) that trained it.
        public var codeVersion: String?
        public var createdAt: Date?

        public init(datasetVersion: String? = nil, backbone: String? = nil, hyperparameters: [String: String] = [:],
                    codeVersion: String? = nil, createdAt: Date? = nil) {
            self.datasetVersion = datasetVersion
            self.backbone = backbone
            self.hyperparameters = hyperparameters
            self.codeVersion = codeVersion
            self.createdAt = createdAt
        }
    }

    public init(onnx: BlobID? = nil, weights: EngineWeights? = nil, classes: [String], preprocessing: PreprocessingSpec,
                signature: Signature = Signature(), metrics: [String: Double] = [:], lineage: Lineage = Lineage()) {
        self.format = Self.currentFormat
        self.onnx = onnx
        self.weights = weights
        self.classes = classes
        self.preprocessing = preprocessing
        self.signature = signature
        self.metrics = metrics
        self.lineage = lineage
    }

    /// Every blob the artifact points at, for the registry's references and for fsck.
    public var blobs: [BlobID] { [onnx, weights?.stateDict].compactMap { $0 } }

    /// Refuses what no consumer could use: an unknown format, no network, fewer than two classes, repeated or empty
    /// labels, a preprocessing spec that cannot run.
    public func validate() throws(ModelArtifactError) {
        guard format == Self.currentFormat else { throw .unsupportedFormat(format) }
        guard onnx != nil || weights != nil else { throw .noNetwork }
        guard classes.count >= 2 else { throw .invalidClasses("a classifier needs at least two classes, this has \(classes.count)") }
        if let empty = classes.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw .invalidClasses("class \(empty) has an empty label")
        }
        if let repeated = Dictionary(grouping: classes, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw .invalidClasses("the label '\(repeated)' appears more than once")
        }
        try preprocessing.validate()
    }
}
