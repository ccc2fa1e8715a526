@testable import AviaryONNX
import AviaryNN
import Foundation
import Testing

extension PaddleClassifierModelTests {
    /// The two stored photos [2, 48, 192, 3] (uint8) as the classifier's input [2, 3, 48, 192],
    /// normalised as rapidocr does: (v / 255 − 0.5) / 0.5.
    static func photos() throws -> HostArray {
        let pixels = try NumPyFile.read(Fixture.url("paddle_cls_pixels.npy"))
        let bytes = try pixels.values(as: UInt8.self)
        var x = [Float](repeating: 0, count: bytes.count)
        for n in 0..<2 { for y in 0..<48 { for column in 0..<192 { for c in 0..<3 {
            let value = Float(bytes[((n * 48 + y) * 192 + column) * 3 + c])
            x[((n * 3 + c) * 48 + y) * 192 + column] = (value / 255 - 0.5) / 0.5
        } } } }
        return try HostArray(shape: [2, 3, 48, 192], values: x)
    }
}

extension PaddleTransferTests {
    /// Without a feature name, the backbone is cut where the old classifier (MatMul by fc_0.w_0) reads.
    @Test(.enabled(if: PaddleClassifierModelTests.file != nil, "rapidocr-onnxruntime is not installed in .venv"))
    func findsTheClassifierInputByItself() throws {
        let backbone = try ImportedBackbone(contentsOf: try #require(PaddleClassifierModelTests.file))
        #expect(backbone.featureOutput == "reshape2_0.tmp_0")
        #expect(try backbone.featureCount(inputShape: [1, 3, 48, 192]) == 200)
    }
}

/// Issue 4's transfer-learning case end to end on the real PaddleOCR classifier (Constant-node
/// weights): cut before its classifier, a new 3-class head, a few fine-tuning steps, export, and
/// the export computes what the engine computed. With AVIARY_PADDLE_EXPORT_DIR set, the test also
/// writes the model, input and engine output there for Fixtures/imported/check_paddle_transfer.py
/// (onnx.checker + ONNX Runtime; not committed: the model is 585 KB).
@Suite struct PaddleTransferTests {
    @Test(.enabled(if: PaddleClassifierModelTests.file != nil, "rapidocr-onnxruntime is not installed in .venv; .venv/bin/pip install --no-deps rapidocr-onnxruntime==1.4.4 to run this test"))
    func fineTunesANewHeadAndExportsIt() throws {
        let backbone = try ImportedBackbone(contentsOf: try #require(PaddleClassifierModelTests.file), featureOutput: "pool2d_10.tmp_0")
        #expect(backbone.inputName == "x")
        #expect(try backbone.featureCount(inputShape: [1, 3, 48, 192]) == 200)
        // 53 convolution kernels, 18 squeeze-excite biases, 35 batch norms' scales and offsets.
        #expect(backbone.namedParameters().count == 141)
        #expect(backbone.namedBuffers().count == 70)
        // What stays constant is formula scalars (hard-swish's 3 and 6) and shapes.
        #expect(backbone.graph.constants.values.allSatisfy { $0.elementType != .float32 || $0.count == 1 })
        #expect(!backbone.namedParameters().contains { $0.0.hasPrefix("fc_0") })
        var rng = PCG32(seed: 41)
        let head = Linear(200, 3, rng: &rng)
        let classifier = ImportedClassifier(backbone: backbone, head: head)
        // Both photos, and both again flipped upside down (the classifier's other class): 4 images.
        let photos = try PaddleClassifierModelTests.photos().floats()
        let image = 3 * 48 * 192
        var flipped = photos
        for n in 0..<2 { for c in 0..<3 { for y in 0..<48 { for column in 0..<192 {
            flipped[n * image + (c * 48 + y) * 192 + column] = photos[n * image + (c * 48 + 47 - y) * 192 + 191 - column]
        } } } }
        let x = Variable(try Tensor(shape: [4, 3, 48, 192], scalars: photos + flipped))
        let targets = [0, 1, 2, 2]
        classifier.train()
        // The backbone at a tenth of the head's rate.
        let optimizer = SGD([ParameterGroup(backbone.parameters(), learningRateScale: 0.1), ParameterGroup(head.parameters())],
                            learningRate: 0.05, momentum: 0.9)
        let losses = try ImportedModuleTests.fit(classifier, x, targets, optimizer, steps: 4)
        print("PaddleOCR classifier with a new head, fine-tuning losses: \(losses)")
        #expect(losses.last! < losses.first!, "losses \(losses)")
        classifier.eval()
        let data = try backbone.exportClassifier(head: head, classes: ["0°", "180°", "other"], inputShape: [1, 3, 48, 192])
        let exported = try ImportedModule(onnx: data)
        #expect(exported.opset == 11)
        #expect(exported.outputNames == ["probabilities"])
        let expected = try GradientMode.withoutGradients { try classifier(x).softmax(axis: 1) }
        let actual = try GradientMode.withoutGradients { try exported(x) }
        let comparison = ArrayComparison(actual: try HostArray(shape: actual.shape, values: actual.value.scalars),
                                         expected: try HostArray(shape: expected.shape, values: expected.value.scalars), rtol: 0, atol: 1e-5)
        #expect(comparison.isClose, "\(comparison)")
        if let folder = ProcessInfo.processInfo.environment["AVIARY_PADDLE_EXPORT_DIR"] {
            let url = URL(fileURLWithPath: folder)
            try data.write(to: url.appendingPathComponent("paddle_transfer.onnx"))
            try NumPyFile.write(try HostArray(shape: x.shape, values: x.value.scalars), to: url.appendingPathComponent("paddle_transfer_x.npy"))
            try NumPyFile.write(try HostArray(shape: expected.shape, values: expected.value.scalars), to: url.appendingPathComponent("paddle_transfer_y.npy"))
        }
    }
}
