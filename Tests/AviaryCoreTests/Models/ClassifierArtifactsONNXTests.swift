import AviaryCore
import AviaryNN
import AviaryONNX
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// Trained classifiers leave with an ONNX graph that computes the engine model's logits.
@Suite struct ClassifierArtifactsONNXTests {
    @Test func savedArtifactCarriesAnONNXGraphThatMatchesTheEngine() throws {
        let directory = TemporaryDirectory("artifact-onnx")
        let blobs = try FileSystemBlobStore(root: directory.url.appendingPathComponent("blobs"))
        let model = try SmallCNN(classes: 3, width: 8, seed: 5)
        model.eval()
        let preprocessing = PreprocessingSpec(resize: .stretch, resizeTo: 16, inputSize: 16, filter: .bilinear)
        let saved = try ClassifierArtifacts.save(model, architecture: "small-cnn", classes: ["robin", "wren", "finch"], preprocessing: preprocessing,
                                                 metrics: [:], lineage: .init(), blobs: blobs)
        #expect(saved.artifact.signature == ModelArtifact.Signature(input: "input", output: "logits", outputIsProbabilities: false))
        let graphBytes = try ModelArtifactStore(blobs: blobs).graph(of: saved.artifact)
        let graph = try ONNXGraph(try Onnx_ModelProto(serializedBytes: try #require(graphBytes)))
        #expect(graph.inputNames == ["input"] && graph.outputNames == ["logits"])

        var rng = PCG32(seed: 9)
        let x = (0..<(2 * 3 * 16 * 16)).map { _ in rng.nextNormal() }
        let expected = try GradientMode.withoutGradients { try model(Variable(try Tensor(shape: [2, 3, 16, 16], scalars: x))) }
        let outputs = try graph.run(["input": try HostArray(shape: [2, 3, 16, 16], values: x)])
        guard case .variable(let logits)? = outputs["logits"] else { Issue.record("no logits"); return }
        #expect(logits.shape == [2, 3])
        let difference = zip(logits.value.scalars, expected.value.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-4)
    }

    /// An architecture the exporter does not cover yet still saves, with engine weights only.
    @Test func anUnexportableModelSavesWithoutONNX() throws {
        final class Unknown: Module {
            var isTraining = false
            func forward(_ input: Variable) throws -> Variable { input }
        }
        let directory = TemporaryDirectory("artifact-no-onnx")
        let blobs = try FileSystemBlobStore(root: directory.url.appendingPathComponent("blobs"))
        let saved = try ClassifierArtifacts.save(Unknown(), architecture: "small-cnn", classes: ["a", "b"], preprocessing: .imageNet(inputSize: 32),
                                                 metrics: [:], lineage: .init(), blobs: blobs)
        #expect(saved.artifact.onnx == nil)
        #expect(saved.artifact.weights != nil)
    }
}
