@testable import AviaryONNX
import AviaryTensor
import Testing

/// What the new operators still refuse is named at run time by node, operator, opset and
/// attribute, never computed some other way.
@Suite struct ImportRefusalTests {
    static func single(_ op: String, opset: Int64, inputs: [(String, HostArray?)], attributes: [String: ONNXModelBuilder.Attribute] = [:]) -> Onnx_ModelProto {
        var builder = ONNXModelBuilder(graphName: "g", opset: opset)
        builder.addInput("x", .float32, shape: [1, 1, 4, 4])
        builder.addOutput("y", .float32, shape: [1, 1, 4, 4])
        for case let (name, array?) in inputs { builder.addInitializer(name, array) }
        builder.addNode(op, inputs: ["x"] + inputs.map(\.0), outputs: ["y"], name: "n", attributes: attributes)
        return builder.build()
    }

    static func refusal(_ model: Onnx_ModelProto) throws -> ONNXImportError? {
        let x = try HostArray(shape: [1, 1, 4, 4], values: (0..<16).map(Float.init))
        do { _ = try ONNXGraph(model).run(["x": x]) } catch let error as ONNXImportError { return error }
        return nil
    }

    @Test func resizeAtOpset10OnlyRepeats() throws {
        let half = try HostArray(shape: [4], values: [Float(1), 1, 0.5, 0.5])
        let model = Self.single("Resize", opset: 10, inputs: [("scales", half)], attributes: ["mode": .string("nearest")])
        #expect(try Self.refusal(model) == .unsupportedAttribute(node: "'n'", op: "Resize", opset: 10, attribute: "scales", detail: "= [1.0, 1.0, 0.5, 0.5] at opset 10 (whole numbers only)"))
        let linear = Self.single("Resize", opset: 10, inputs: [("scales", try HostArray(shape: [4], values: [Float(1), 1, 2, 2]))], attributes: ["mode": .string("linear")])
        #expect(try Self.refusal(linear) == .unsupportedAttribute(node: "'n'", op: "Resize", opset: 10, attribute: "mode", detail: "= linear"))
    }

    @Test func resizeRefusesUnknownModes() throws {
        let scales = try HostArray(shape: [4], values: [Float(1), 1, 2, 2])
        let model = Self.single("Resize", opset: 13, inputs: [("", nil), ("scales", scales)], attributes: ["coordinate_transformation_mode": .string("half_pixel_symmetric")])
        #expect(try Self.refusal(model) == .unsupportedAttribute(node: "'n'", op: "Resize", opset: 13, attribute: "coordinate_transformation_mode", detail: "= half_pixel_symmetric"))
    }

    @Test func convTransposeRefusesOutputPaddingPastTheStride() throws {
        let w = try HostArray(shape: [1, 1, 3, 3], values: [Float](repeating: 1, count: 9))
        let model = Self.single("ConvTranspose", opset: 17, inputs: [("w", w)], attributes: ["strides": .ints([2, 2]), "output_padding": .ints([2, 0])])
        #expect(try Self.refusal(model) == .unsupportedAttribute(node: "'n'", op: "ConvTranspose", opset: 17, attribute: "output_padding", detail: "= [2, 0] (must be below the stride)"))
    }

    @Test func padRefusesNegativeReflection() throws {
        let pads = try HostArray(shape: [8], values: [Int64(0), 0, -1, 0, 0, 0, 0, 0])
        let model = Self.single("Pad", opset: 18, inputs: [("pads", pads)], attributes: ["mode": .string("reflect")])
        #expect(try Self.refusal(model) == .unsupportedAttribute(node: "'n'", op: "Pad", opset: 18, attribute: "pads", detail: "= [0, 0, -1, 0, 0, 0, 0, 0] (negative pads in reflect mode)"))
    }

    @Test func dropoutRefusesRandomMasks() throws {
        var builder = ONNXModelBuilder(graphName: "g", opset: 13)
        builder.addInput("x", .float32, shape: [1, 1, 4, 4])
        builder.addOutput("y", .float32, shape: [1, 1, 4, 4])
        builder.addInitializer("ratio", try HostArray(shape: [], values: [Float(0.5)]))
        builder.addInitializer("training", try HostArray(shape: [], values: [true]))
        builder.addNode("Dropout", inputs: ["x", "ratio", "training"], outputs: ["y"], name: "n")
        #expect(try Self.refusal(builder.build()) == .unsupportedAttribute(node: "'n'", op: "Dropout", opset: 13, attribute: "training_mode", detail: "= true with ratio 0.5 (random masks are not reproduced)"))
    }
}
