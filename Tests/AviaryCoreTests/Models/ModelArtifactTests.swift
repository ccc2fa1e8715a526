import AviaryCore
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

@Suite struct ModelArtifactTests {
    private func store() throws -> (TemporaryDirectory, ModelArtifactStore) {
        let directory = TemporaryDirectory("artifact")
        let blobs = try FileSystemBlobStore(root: directory.url.appendingPathComponent("blobs"))
        return (directory, ModelArtifactStore(blobs: blobs))
    }

    private func artifact(_ onnx: BlobID, classes: [String] = ["robin", "wren"]) -> ModelArtifact {
        ModelArtifact(onnx: onnx, classes: classes, preprocessing: .imageNet(inputSize: 112),
                      metrics: ["accuracy": 0.875], lineage: .init(datasetVersion: "birds@1a2b", backbone: "efficientnet-lite0",
                                                                   hyperparameters: ["epochs": "3"], codeVersion: "0.1.0"))
    }

    @Test func anArtifactRoundTripsAndTheSameModelGetsTheSameId() throws {
        let (_, store) = try store()
        let graph = Data("fake onnx bytes".utf8)
        let first = try store.save(onnx: graph) { artifact($0) }
        let second = try store.save(onnx: graph) { artifact($0) }
        #expect(first.id == second.id)
        let loaded = try store.load(first.id)
        #expect(loaded == first.artifact)
        #expect(try store.graph(of: loaded) == graph)
        #expect(loaded.preprocessing.resizeTo == 128)
        #expect(loaded.lineage.backbone == "efficientnet-lite0")
        let text = String(decoding: try store.blobs.data(first.id), as: UTF8.self)
        #expect(text.hasPrefix(#"{"classes":["robin","wren"],"format":"aviary.model.v1","#))
    }

    @Test func unusableArtifactsAreRefusedWithTheFieldNamed() throws {
        let (_, store) = try store()
        let onnx = try store.blobs.put(Data("g".utf8)).id
        #expect(throws: ModelArtifactError.invalidClasses("a classifier needs at least two classes, this has 1")) {
            try store.save(onnx: Data("g".utf8)) { artifact($0, classes: ["robin"]) }
        }
        #expect(throws: ModelArtifactError.invalidClasses("the label 'wren' appears more than once")) {
            try artifact(onnx, classes: ["wren", "robin", "wren"]).validate()
        }
        var spec = PreprocessingSpec(resizeTo: 100, inputSize: 112)
        #expect(throws: ModelArtifactError.invalidPreprocessing(field: "resizeTo", detail: "must be at least inputSize (112) to crop from, not 100")) {
            try spec.validate()
        }
        spec = PreprocessingSpec(mean: [0.5, 0.5])
        #expect(throws: ModelArtifactError.invalidPreprocessing(field: "mean", detail: "needs one value per channel (3)")) { try spec.validate() }
        var future = artifact(onnx)
        future.format = "aviary.model.v9"
        let stored = try store.blobs.put(try CanonicalJSON.encode(future)).id
        #expect(throws: ModelArtifactError.unsupportedFormat("aviary.model.v9")) { try store.load(stored) }
        let notOne = try store.blobs.put(Data(#"{"classes": ["a", "b"]}"#.utf8)).id
        #expect(throws: ModelArtifactError.notAnArtifact(notOne, detail: "missing field format")) { try store.load(notOne) }
    }

    @Test func anArtifactWhoseGraphIsGoneSaysSo() throws {
        let (_, store) = try store()
        let missing = try BlobID(parsing: "sha256:" + String(repeating: "0", count: 64))
        let id = try store.blobs.put(try CanonicalJSON.encode(artifact(missing))).id
        #expect(throws: ModelArtifactError.missingGraph(artifact: id, blob: missing)) { try store.load(id) }
    }

    @Test func theSpecIsTheSameTransformAsTheEvaluationPipeline() throws {
        let spec = PreprocessingSpec.imageNet()
        #expect(spec.resizeTo == 256 && spec.inputSize == 224)
        #expect(spec.pipeline.steps == ImagePipeline.evaluation().steps + [.toRGB])
        #expect(spec.pipeline.normalization == .imageNet)
        let stretch = PreprocessingSpec(resize: .stretch, resizeTo: 0, inputSize: 112, filter: .bilinear)
        #expect(stretch.pipeline.steps == [.resize(Size(width: 112, height: 112), .bilinear), .toRGB])
        var generator = SeededGenerator(seed: 1)
        let gray = Image(width: 28, height: 28, format: .gray, pixels: [UInt8](repeating: 200, count: 28 * 28))
        let out = try stretch.pipeline.transform(gray, using: &generator)
        #expect(out.width == 112 && out.height == 112 && out.channels == 3)
        #expect(Set(out.pixels) == [200])
    }
}
