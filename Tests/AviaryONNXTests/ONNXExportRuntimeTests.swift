@testable import AviaryONNX
import AviaryNN
import Foundation
import Testing

/// Exports checked by the ONNX tools: Fixtures/export/check_export.py ran onnx.checker and ONNX
/// Runtime on these exact files; the engine must give Runtime's answers.
@Suite struct ONNXExportRuntimeTests {
    static func model(_ name: String) throws -> (any Module, [Int]) {
        let model: any Module
        let shape: [Int]
        switch name {
        case "small_cnn": (model, shape) = (try SmallCNN(inChannels: 1, classes: 4, width: 4, seed: 21), [2, 1, 12, 12])
        default: (model, shape) = (try ResNet(blocks: [1, 1], widths: [4, 8], classes: 3, seed: 22), [2, 3, 16, 16])
        }
        ONNXExporterTests.randomizeNorms(model, seed: 23)
        model.eval()
        return (model, shape)
    }

    @Test(arguments: ["small_cnn", "resnet_tiny"])
    func exportMatchesONNXRuntime(_ name: String) throws {
        let (model, shape) = try Self.model(name)
        let data = try ONNXExporter.export(model, inputShape: [1] + shape.dropFirst())
        let file = Fixture.url("export/\(name).onnx")
        if ProcessInfo.processInfo.environment["AVIARY_WRITE_EXPORT_FIXTURES"] == "1" { try data.write(to: file) }
        // The file ONNX Runtime checked is what the exporter writes today.
        #expect(try Data(contentsOf: file) == data)
        let x = try NumPyFile.read(Fixture.url("export/\(name)_x.npy"))
        let expected = try NumPyFile.read(Fixture.url("export/\(name)_y.npy"))
        #expect(x.shape == shape)
        let y = try GradientMode.withoutGradients { try model(Variable(try Tensor(shape: x.shape, scalars: x.floats()))) }
        #expect(y.shape == expected.shape)
        let difference = zip(y.value.scalars, expected.floats()).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-4)
    }
}
