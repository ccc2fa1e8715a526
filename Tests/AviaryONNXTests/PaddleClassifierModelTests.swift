@testable import AviaryONNX
import Foundation
import Testing

/// The real pretrained classifier the importer must run (issue 4): PaddlePaddle's MobileNetV3-style
/// text-direction model from rapidocr-onnxruntime 1.4.4, whose 308 weights are Constant nodes.
/// Reference numbers from `onnx.load` in Python. Not committed (585 KB):
/// `.venv/bin/pip install --no-deps rapidocr-onnxruntime==1.4.4`.
@Suite struct PaddleClassifierModelTests {
    static let file = Fixture.sitePackages("rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx")

    @Test(.enabled(if: file != nil, "rapidocr-onnxruntime is not installed in .venv; .venv/bin/pip install --no-deps rapidocr-onnxruntime==1.4.4 to run this test"))
    func loadsSummarisesAndCollectsItsConstants() throws {
        let model = try ONNXModelFile.load(try #require(Self.file))
        let summary = ONNXModelSummary(model)
        #expect(summary.irVersion == 7)
        #expect(summary.producer == "PaddlePaddle")
        #expect(summary.opsets == [.init(domain: "ai.onnx", version: 11)])
        #expect(summary.inputs == [.init(name: "x", elementType: "float32", shape: ["-1", "3", "?", "?"])])
        #expect(summary.outputs == [.init(name: "save_infer_model/scale_0.tmp_1", elementType: "float32", shape: ["-1", "2"])])
        #expect(summary.nodeCount == 566)
        #expect(summary.constantCount == 308)
        #expect(summary.initializerCount == 0)
        #expect(summary.parameterCount == 133_777)
        #expect(summary.operators.prefix(4).map(\.op) == ["Constant", "Conv", "Add", "BatchNormalization"])
        #expect(summary.operators.prefix(4).map(\.count) == [308, 53, 44, 35])
        try GraphOrder.validate(model.graph)
        let constants = try GraphConstants.collect(model.graph)
        #expect(constants.count == 308)
        #expect(constants.values.reduce(0) { $0 + $1.count } == 133_777)
    }
}

extension PaddleClassifierModelTests {
    /// Issue 4's real model end to end: Constant-node weights, hard-swish blocks, squeeze-excite
    /// reshapes and a Shape → Cast → Slice → Concat → Reshape head, against ONNX Runtime on two photos.
    @Test(.enabled(if: file != nil, "rapidocr-onnxruntime is not installed in .venv; .venv/bin/pip install --no-deps rapidocr-onnxruntime==1.4.4 to run this test"))
    func matchesONNXRuntimeOnPhotos() throws {
        let graph = try ONNXGraph(try ONNXModelFile.load(try #require(Self.file)))
        let x = try Self.photos()
        #expect(x.shape == [2, 3, 48, 192])
        let outputs = try graph.run(["x": x])
        guard case .variable(let y)? = outputs[graph.outputNames[0]] else { Issue.record("no output"); return }
        let comparison = ArrayComparison(actual: try HostArray(shape: y.shape, values: y.value.scalars),
                                         expected: try NumPyFile.read(Fixture.url("paddle_cls_y.npy")), rtol: 0, atol: 1e-4)
        print("PaddleOCR classifier against ONNX Runtime: \(comparison)")
        #expect(comparison.isClose, "\(comparison)")
    }
}
