import AviaryStore
import Foundation

/// `aviary train` in the domain: from dataset versions to a recorded run, a model artifact and,
/// when asked, a registered model version.
public struct TrainingJob: Sendable {
    public let project: Project
    /// Images per backbone pass when computing head-mode features.
    public var featureBatchSize = 64
    /// Finds a pretrained backbone by name; nil asks the project's `BackboneCatalog` (tests pass a small one).
    public var resolveBackbone: (@Sendable (String) async throws -> TrainingBackbone)?
    /// Builds the backbone's feature extractor, only when some image's features are not cached yet.
    public var makeExtractor: @Sendable (TrainingBackbone) throws -> any FeatureExtractor = { try $0.featureExtractor() }

    public init(project: Project) {
        self.project = project
    }

    public struct Request: Sendable {
        public var train: String
        public var validation: String?
        public var configuration: TrainingConfiguration
        public var name: String?
        /// A model group to register the trained model in.
        public var register: String?
        public var by: String

        public init(train: String, validation: String? = nil, configuration: TrainingConfiguration, name: String? = nil,
                    register: String? = nil, by: String = "aviary") {
            self.train = train
            self.validation = validation
            self.configuration = configuration
            self.name = name
            self.register = register
            self.by = by
        }
    }

    /// Trains to the end (or resumes the run of the same name) and records the outcome; a failure is
    /// recorded on the run before it is thrown. Runs on a compute thread of its own, so that a training
    /// never holds one of the few cooperative threads that timeouts and servers need.
    public func run(_ request: Request, onEpoch: @escaping (EpochMetrics, Double) -> Void = { _, _ in },
                    onFeatures: @escaping (FeatureExtractionProgress) -> Void = { _ in }) async throws -> TrainingRun {
        try await ComputeThread.run("training") { try await train(request, onEpoch: onEpoch, onFeatures: onFeatures) }
    }

    private func train(_ request: Request, onEpoch: @escaping (EpochMetrics, Double) -> Void,
                       onFeatures: @escaping (FeatureExtractionProgress) -> Void) async throws -> TrainingRun {
        try request.configuration.validate()
        if let group = request.register { try ModelRegistry.validate(group: group) }
        var backbone: TrainingBackbone?
        if let name = request.configuration.backbone {
            if let resolveBackbone {
                backbone = try await resolveBackbone(name)
            } else {
                backbone = try TrainingBackbone(try await BackboneCatalog(project: project).resolve(name), blobs: project.blobs)
            }
            try backbone?.checkImageSize?(request.configuration.imageSize)
        }
        let catalog = DatasetCatalog(project: project)
        let trainVersion = try await catalog.resolve(request.train)
        let trainManifest = try catalog.manifest(of: trainVersion)
        let classes = trainManifest.classes
        let (train, trainSkipped) = DatasetImageSource.select(trainManifest, classes: classes, blobs: project.blobs)
        var validationSource: DatasetImageSource?, skipped = trainSkipped, validationReference: String?
        if let reference = request.validation {
            let version = try await catalog.resolve(reference)
            let selected = DatasetImageSource.select(try catalog.manifest(of: version), classes: classes, blobs: project.blobs)
            validationSource = selected.source
            validationReference = version.reference
            for (reason, count) in selected.skipped { skipped["validation: \(reason)", default: 0] += count }
        }
        let id = request.name ?? Self.generatedName(now: Date())
        guard ResourceName.isValid(id) else { throw TrainingError.invalidConfiguration(field: "name", detail: "'\(id)' cannot name a run (letters, digits, - _ . up to 80)") }
        var run = try await existingRun(id) ?? TrainingRun(
            id: id, dataset: trainVersion.reference, datasetVersion: trainVersion.id, validation: validationReference, classes: classes,
            configuration: request.configuration, status: .running, history: [], keptEpoch: nil, stoppedEarly: false, skipped: skipped,
            artifact: nil, registered: nil, error: nil, startedAt: Date(), finishedAt: nil)
        guard run.configuration == request.configuration, run.datasetVersion == trainVersion.id else {
            throw TrainingError.invalidConfiguration(field: "name", detail: "a run named '\(id)' already exists with other data or settings; choose another --name")
        }
        guard run.status != .succeeded else { return run }
        run.status = .running
        try await save(run, event: "training.run.started")

        let trainer = ClassifierTrainer(configuration: request.configuration, classes: classes, train: train, validation: validationSource,
                                        directory: TrainingRun.directory(id, in: project.layout))
        trainer.onEpoch = onEpoch
        trainer.backbone = backbone
        do {
            if request.configuration.mode == .head, let backbone {
                let (features, counts) = try await headFeatures(backbone, trainer: trainer, progress: onFeatures)
                trainer.headFeatures = features
                run.features = counts
                if counts.skipped > 0 { run.skipped["could not be decoded"] = counts.skipped }
            }
            let outcome = try trainer.run()
            run.history = outcome.history
            run.keptEpoch = outcome.keptEpoch
            run.stoppedEarly = outcome.stoppedEarly
            if outcome.skippedSamples > 0 { run.skipped["could not be decoded (per epoch, summed)"] = outcome.skippedSamples }
            let kept = outcome.history.first { $0.epoch == outcome.keptEpoch } ?? outcome.history.last
            var metrics: [String: Double] = ["train_accuracy": kept?.trainAccuracy ?? .nan, "train_loss": kept?.trainLoss ?? .nan]
            if let accuracy = kept?.validationAccuracy { metrics["validation_accuracy"] = accuracy }
            if let loss = kept?.validationLoss { metrics["validation_loss"] = loss }
            var hyperparameters = request.configuration.hyperparameters
            if let backbone {
                hyperparameters["backbone-sha256"] = backbone.sha256
                if backbone.isONNX { hyperparameters["architecture"] = backbone.architecture }
            }
            let lineage = ModelArtifact.Lineage(datasetVersion: trainVersion.reference, backbone: backbone?.name ?? request.configuration.architecture,
                                                hyperparameters: hyperparameters,
                                                codeVersion: "aviary \(AviaryVersion.current)", createdAt: Date())
            let saved = try ClassifierArtifacts.save(outcome.model, architecture: request.configuration.architecture, classes: classes,
                                                     preprocessing: trainer.preprocessing, metrics: metrics.filter { $0.value.isFinite },
                                                     lineage: lineage, blobs: project.blobs)
            run.artifact = saved.id
            if let group = request.register {
                var registration = ModelRegistry.Registration(group: group, by: request.by)
                registration.artifact = saved.id
                registration.metrics = saved.artifact.metrics
                registration.lineage = ModelVersion.Lineage(datasetVersion: trainVersion.reference, parameters: hyperparameters,
                                                            codeVersion: lineage.codeVersion)
                registration.description = "trained by run \(id)"
                run.registered = try await ModelRegistry(metadata: project.metadata).register(registration).reference
            }
            run.status = .succeeded
            run.finishedAt = Date()
            try await save(run, event: "training.run.succeeded")
            return run
        } catch {
            run.status = .failed
            run.error = "\(error)"
            run.finishedAt = Date()
            try? await save(run, event: "training.run.failed")
            throw error
        }
    }

    /// The backbone's features of the training and validation images, from the project's feature
    /// cache where it has them; the rest computed once, in batches, and cached for the next run.
    func headFeatures(_ backbone: TrainingBackbone, trainer: ClassifierTrainer,
                      progress: @escaping (FeatureExtractionProgress) -> Void) async throws -> (HeadFeatures, TrainingRun.FeatureCounts) {
        let cache = FeatureCache(metadata: project.metadata, blobs: project.blobs)
        let key = FeatureCacheKey(backbone: "\(backbone.name)@sha256:\(backbone.sha256)", preprocessing: trainer.preprocessing)
        var counts = TrainingRun.FeatureCounts()
        func extract(_ source: DatasetImageSource, _ part: String) async throws -> FeatureMatrix {
            let extraction = try await cache.features(of: source, key: key, pipeline: trainer.preprocessing.pipeline, batchSize: featureBatchSize,
                                                      workers: trainer.workers, extractor: { try makeExtractor(backbone) },
                                                      progress: { var labelled = $0; labelled.part = part; progress(labelled) })
            counts.cached += extraction.cached
            counts.computed += extraction.computed
            counts.skipped += extraction.skipped.count
            return extraction.matrix
        }
        let train = try await extract(trainer.train, "train")
        var validation: FeatureMatrix?
        if let source = trainer.validation { validation = try await extract(source, "validation") }
        return (HeadFeatures(train: train, validation: validation), counts)
    }

    public func runs() async throws -> [TrainingRun] {
        try await project.metadata.records(kind: TrainingRun.recordKind).map { try $0.decode(TrainingRun.self) }
    }

    public func existingRun(_ id: String) async throws -> TrainingRun? {
        try await project.metadata.record(kind: TrainingRun.recordKind, id: id)?.decode(TrainingRun.self)
    }

    private func save(_ run: TrainingRun, event: String) async throws {
        // The artifact and what it points at, so that fsck checks them and nothing collects them.
        let blobs = try run.artifact.map { [$0] + (try ModelArtifactStore(blobs: project.blobs).load($0).blobs) } ?? []
        try await project.metadata.write(WriteBatch(
            records: [try Record(kind: TrainingRun.recordKind, id: run.id, value: run, blobs: blobs, createdAt: run.startedAt)],
            events: [NewEvent(type: event, subject: "\(TrainingRun.recordKind)/\(run.id)")]))
    }

    static func generatedName(now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "train-\(formatter.string(from: now))-\(String(UInt32.random(in: 0...0xFFFF), radix: 16))"
    }
}
