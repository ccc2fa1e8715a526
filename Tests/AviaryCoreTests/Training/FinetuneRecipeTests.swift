import AviaryNN
import AviaryTensor
import Foundation
import Testing

@testable import AviaryCore

/// Finetune's defaults (docs/training.md, "The finetune recipe") and that each is recorded in the
/// run's hyperparameters, and what frozen batch-norm statistics mean in training.
@Suite struct FinetuneRecipeTests {
    @Test func finetuneFromABackboneDefaultsToTheRecipeAndRecordsIt() throws {
        let configuration = TrainingConfiguration(mode: .finetune, backbone: "efficientnet-lite0")
        try configuration.validate()
        #expect(configuration.learningRate == 1e-3)
        #expect(configuration.backboneLearningRateScale == 0.1)
        #expect(configuration.batchNorm == .frozen)
        #expect(configuration.minimumCropScale == 0.35)
        #expect(configuration.augment)
        let recorded = configuration.hyperparameters
        #expect(recorded["learning-rate"] == "0.001")
        #expect(recorded["backbone-lr-scale"] == "0.1")
        #expect(recorded["batch-norm"] == "frozen")
        #expect(recorded["crop-scale"] == "0.35")
        #expect(recorded["augment"] == "true")

        let trained = TrainingConfiguration(mode: .finetune, learningRate: 3e-4, backbone: "efficientnet-lite0", batchNorm: .train, minimumCropScale: 0.08)
        #expect(trained.hyperparameters["batch-norm"] == "train")
        #expect(trained.hyperparameters["crop-scale"] == "0.08")
        #expect(trained.hyperparameters["learning-rate"] == "0.0003")
    }

    @Test func otherModesKeepTheirDefaults() throws {
        let fromScratchWeights = TrainingConfiguration(mode: .finetune, architecture: "resnet18")
        #expect(fromScratchWeights.learningRate == 1e-4)
        #expect(fromScratchWeights.batchNorm == nil && fromScratchWeights.backboneLearningRateScale == nil)
        #expect(fromScratchWeights.hyperparameters["batch-norm"] == nil)
        let scratch = TrainingConfiguration(mode: .scratch)
        #expect(scratch.minimumCropScale == 0.64 && scratch.hyperparameters["crop-scale"] == "0.64")
        let head = TrainingConfiguration(mode: .head, backbone: "efficientnet-lite0")
        #expect(head.minimumCropScale == nil && head.batchNorm == nil && head.learningRate == 1e-3)
        #expect(TrainingConfiguration(mode: .finetune, augment: false, backbone: "efficientnet-lite0").minimumCropScale == nil)
    }

    @Test func misplacedRecipeSettingsAreRefusedByName() {
        #expect(throws: TrainingError.invalidConfiguration(field: "batch-norm", detail: "applies to --mode finetune with a --backbone only")) {
            try TrainingConfiguration(mode: .head, backbone: "efficientnet-lite0", batchNorm: .frozen).validate()
        }
        #expect(throws: TrainingError.invalidConfiguration(field: "crop-scale", detail: "must be above 0 and at most 1, not 0.0")) {
            try TrainingConfiguration(mode: .finetune, backbone: "efficientnet-lite0", minimumCropScale: 0).validate()
        }
        #expect(throws: TrainingError.invalidConfiguration(field: "crop-scale", detail: "applies to augmented finetune or scratch training only")) {
            try TrainingConfiguration(mode: .finetune, augment: false, backbone: "efficientnet-lite0", minimumCropScale: 0.5).validate()
        }
    }

    /// Frozen statistics: a training step leaves every running mean and variance as it was (and
    /// the batch counter), while the weights move; and the train-mode forward then computes what
    /// evaluation computes (no dropout here), which is the point of freezing them.
    @Test func frozenBatchNormKeepsRunningStatisticsAndMatchesEvaluation() throws {
        let model = try EfficientNetLite0(classes: 3, dropout: 0, seed: 5)
        let before = Dictionary(uniqueKeysWithValues: model.stateDict().entries.map { ($0.name, $0.tensor.scalars) })
        let input = Variable(try Tensor(shape: [4, 3, 32, 32], scalars: (0..<(4 * 3 * 32 * 32)).map { Float(($0 * 37) % 255) / 128 - 1 }))
        let optimizer = AdamW(model.parameters(), learningRate: 1e-3)
        model.train()
        ClassifierModels.freezeBatchNormStatistics(model)
        let loss = try model(input).crossEntropy(targets: [0, 1, 2, 0])
        try loss.backward()
        try optimizer.step()
        let after = model.stateDict().entries
        let statistics = after.filter { $0.name.hasSuffix("running_mean") || $0.name.hasSuffix("running_var") || $0.name.hasSuffix("num_batches_tracked") }
        #expect(statistics.count == 3 * 49)
        #expect(statistics.allSatisfy { $0.tensor.scalars == before[$0.name] }, "running statistics untouched")
        #expect(try #require(after.first { $0.name == "_conv_stem.weight" }).tensor.scalars != before["_conv_stem.weight"], "weights trained")

        let trainMode = try model(input).value.scalars
        model.eval()
        let evalMode = try GradientMode.withoutGradients { try model(input) }.value.scalars
        #expect(zip(trainMode, evalMode).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "\(trainMode) vs \(evalMode)")
    }
}
