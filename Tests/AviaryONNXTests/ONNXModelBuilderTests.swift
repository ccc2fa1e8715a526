@testable import AviaryONNX
import Foundation
import Testing

@Suite struct ONNXModelBuilderTests {
    /// The same model as make_fixtures.py's export_reference(), built in Swift.
    static func exported() throws -> Onnx_ModelProto {
        var builder = ONNXModelBuilder(graphName: "exported", opset: 13)
        builder.addInput("x", .float32, shape: ["N", 1, 4, 4])
        builder.addOutput("y", .float32, shape: ["N", 3])
        builder.addInitializer("conv.weight", try HostArray(shape: [2, 1, 3, 3], values: (0..<18).map { (Float($0) - 9) / 10 }))
        builder.addInitializer("conv.bias", try HostArray(shape: [2], values: [Float(0.5), -0.5]))
        builder.addInitializer("fc.weight", try HostArray(shape: [3, 2], values: [Float(1), 2, 3, 4, 5, 6]))
        builder.addInitializer("fc.bias", try HostArray(shape: [3], values: [Float(0.1), 0.2, 0.3]))
        builder.addNode("Conv", inputs: ["x", "conv.weight", "conv.bias"], outputs: ["c"], name: "conv",
                        attributes: ["pads": .ints([1, 1, 1, 1]), "kernel_shape": .ints([3, 3])])
        builder.addNode("Relu", inputs: ["c"], outputs: ["r"], name: "relu")
        builder.addNode("GlobalAveragePool", inputs: ["r"], outputs: ["g"], name: "pool")
        builder.addNode("Flatten", inputs: ["g"], outputs: ["f"], name: "flatten", attributes: ["axis": .int(1)])
        builder.addNode("Gemm", inputs: ["f", "fc.weight", "fc.bias"], outputs: ["h"], name: "fc",
                        attributes: ["transB": .int(1), "alpha": .float(1)])
        builder.addNode("Constant", inputs: [], outputs: ["scale"], name: "scale",
                        attributes: ["value": .tensor(try HostArray(shape: [], values: [Float(2)]))])
        builder.addNode("Mul", inputs: ["h", "scale"], outputs: ["y"], name: "mul")
        return builder.build()
    }

    /// Byte for byte what onnx.helper wrote, and that file passed onnx.checker (full check).
    @Test func writesWhatONNXHelperWrites() throws {
        let reference = try Data(contentsOf: Fixture.url("export_reference.onnx"))
        let model = try Self.exported()
        #expect(model == (try ONNXModelFile.load(Fixture.url("export_reference.onnx"))))
        #expect(try model.serializedData() == reference)
    }

    /// ONNX Runtime's output for the reference model, waiting for the importer's first end-to-end run.
    @Test func onnxRuntimeReferenceArraysAreThere() throws {
        #expect(try NumPyFile.read(Fixture.url("export_reference_x.npy")).shape == [2, 1, 4, 4])
        #expect(try NumPyFile.read(Fixture.url("export_reference_y.npy")).shape == [2, 3])
    }

    @Test func irVersionFollowsTheOpset() {
        #expect([7, 9, 11, 13, 15, 17, 19, 21, 22].map { ONNXModelBuilder.irVersion(forOpset: $0) } == [3, 4, 6, 7, 8, 8, 9, 10, 10])
    }
}
