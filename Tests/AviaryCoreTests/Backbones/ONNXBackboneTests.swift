@testable import AviaryCore
import AviaryNN
import AviaryONNX
import AviaryStore
import AviaryTensor
import AviaryTestSupport
import Foundation
import Testing

/// A user's ONNX network registered as a backbone: a small ResNet exported by Aviary (a committed
/// fixture of the ONNX tests, with ONNX Runtime's outputs on a fixed input beside it).
@Suite struct ONNXBackboneTests {
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/AviaryONNXTests/Fixtures/export")
    static let model = fixtures.appendingPathComponent("resnet_tiny.onnx")

    @Test func registersWithItsInputSpecAndFeatureDimension() async throws {
        let catalog = try BackboneCatalogTests.catalog()
        // No --features: the cut is found where the old classifier (the last Gemm) reads.
        let (backbone, isNew) = try await catalog.addONNX(Self.model, name: "tiny")
        #expect(isNew)
        #expect(backbone.source == .onnx)
        #expect(backbone.inputName == "input")
        #expect(backbone.preprocessing.inputSize == 16)
        #expect(backbone.preprocessing.mean == PreprocessingSpec.imageNet().mean)
        #expect(backbone.featureOutput == "flatten/Flatten")
        #expect(backbone.featureDimension == 8)
        #expect(backbone.weights == BlobID.digest(of: try Data(contentsOf: Self.model)))
        #expect(try await catalog.addONNX(Self.model, name: "tiny", options: .init(featureOutput: "flatten/Flatten")).isNew == false)
    }

    @Test func itsFeaturesFeedTheGraphsOwnHead() async throws {
        let catalog = try BackboneCatalogTests.catalog()
        let x = try NumPyFile.read(Self.fixtures.appendingPathComponent("resnet_tiny_x.npy"))
        let images = try Tensor(shape: x.shape, scalars: x.floats())
        let logits = try await catalog.addONNX(Self.model, name: "logits", options: .init(featureOutput: "logits")).backbone
        let expected = try NumPyFile.read(Self.fixtures.appendingPathComponent("resnet_tiny_y.npy"))
        let actual = try logits.featureExtractor(blobs: catalog.blobs).features(images)
        #expect(actual.shape == expected.shape)
        let comparison = ArrayComparison(actual: try HostArray(shape: actual.shape, values: actual.scalars), expected: expected, rtol: 1e-4, atol: 1e-4)
        #expect(comparison.isClose, "\(comparison)")
        let pooled = try await catalog.addONNX(Self.model, name: "pooled").backbone
        let features = try pooled.featureExtractor(blobs: catalog.blobs).features(images)
        #expect(features.shape == [x.shape[0], 8])
        #expect(features.scalars.allSatisfy { $0 >= 0 }, "pooled ReLU outputs")
    }

    @Test func fineTunesAsTheCutGraphWithAFreshHead() async throws {
        let catalog = try BackboneCatalogTests.catalog()
        let backbone = try await catalog.addONNX(Self.model, name: "tiny").backbone
        let model = try backbone.pretrainedClassifier(classes: 5, seed: 3, blobs: catalog.blobs)
        let classifier = try #require(model as? ImportedClassifier)
        #expect(classifier.head.weight.shape == [5, 8])
        #expect(classifier.backbone.featureOutput == "flatten/Flatten")
        model.eval()
        let logits = try GradientMode.withoutGradients { try model(Variable(Tensor(shape: [2, 3, 16, 16], repeating: 0.5))) }
        #expect(logits.shape == [2, 5])
        let again = try #require(try backbone.pretrainedClassifier(classes: 5, seed: 3, blobs: catalog.blobs) as? ImportedClassifier)
        #expect(again.head.weight.value.scalars == classifier.head.weight.value.scalars)
    }

    @Test func aBadFileIsNamedWithTheReason() async throws {
        let catalog = try BackboneCatalogTests.catalog()
        let directory = TemporaryDirectory()
        let junk = try directory.write("junk.onnx", Data("not a model".utf8))
        await #expect { try await catalog.addONNX(junk, name: "junk") } throws: { error in
            guard case .badONNX(let path, _)? = error as? BackboneError else { return false }
            return path == junk.path
        }
        await #expect(throws: BackboneError.badONNX(path: Self.model.path, reason: "--input-size 32 does not match the model's fixed input 16×16")) {
            try await catalog.addONNX(Self.model, name: "t", options: .init(inputSize: 32))
        }
        await #expect { try await catalog.addONNX(Self.model, name: "t", options: .init(featureOutput: "nope")) } throws: { error in
            "\(error)".hasPrefix("\(Self.model.path) cannot be used as a backbone: ") && "\(error)".contains("'nope'")
        }
        await #expect(throws: BackboneError.nameTaken(name: "efficientnet-lite0")) {
            try await catalog.addONNX(Self.model, name: "efficientnet-lite0")
        }
        #expect(try await catalog.list().isEmpty)
        let gray = PackagePaths.root.appendingPathComponent("Tests/AviaryONNXTests/Fixtures/export/small_cnn.onnx")
        await #expect(throws: BackboneError.badONNX(path: gray.path, reason: "input 'input' has 1 channels; backbones take RGB (N×3×H×W)")) {
            try await catalog.addONNX(gray, name: "gray")
        }
    }
}
