@testable import AviaryONNX
import Foundation
import Testing

/// The engine-independent half of import: attributes, constants, graph order, opsets.
@Suite struct ImportHelpersTests {
    static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
                     _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        node.name = name
        node.attribute = attributes
        return node
    }

    static func attribute(_ name: String, _ fill: (inout Onnx_AttributeProto) -> Void) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        fill(&attribute)
        return attribute
    }

    @Test func attributesReadTypedAndRefuseTheRest() throws {
        let conv = Self.node("Conv", ["x", "w"], ["y"], name: "conv1", [
            Self.attribute("pads") { $0.type = .ints; $0.ints = [1, 1, 1, 1] },
            Self.attribute("group") { $0.type = .int; $0.i = 2 },
            Self.attribute("auto_pad") { $0.type = .string; $0.s = Data("NOTSET".utf8) },
            Self.attribute("alpha") { $0.f = 0.5 },  // untyped, as some old exporters write
        ])
        let attributes = NodeAttributes(conv, index: 3, opset: 13)
        #expect(try attributes.ints("pads") == [1, 1, 1, 1])
        #expect(try attributes.int("group") == 2)
        #expect(try attributes.int("missing") == nil)
        #expect(try attributes.string("auto_pad") == "NOTSET")
        #expect(try attributes.float("alpha") == 0.5)
        #expect(throws: ONNXImportError.attributeType(node: "'conv1'", op: "Conv", attribute: "group", expected: "a list of ints", found: "an int")) {
            try attributes.ints("group")
        }
        #expect(throws: ONNXImportError.missingAttribute(node: "'conv1'", op: "Conv", opset: 13, attribute: "kernel_shape")) {
            try attributes.required("kernel_shape", attributes.ints)
        }
        #expect(throws: ONNXImportError.unsupportedAttribute(node: "'conv1'", op: "Conv", opset: 13, attribute: "alpha", detail: "(not implemented)")) {
            try attributes.rejectUnknown(except: ["pads", "group", "auto_pad"])
        }
        #expect("\(attributes.unsupported("auto_pad", "= VALID"))" == "node 'conv1' (Conv, opset 13): attribute auto_pad = VALID is not supported")
        let unnamed = NodeAttributes(Self.node("Relu", ["x"], ["y"]), index: 7, opset: 14)
        #expect(unnamed.label == "#7 (Relu)")
        #expect("\(ONNXImportError.unsupportedOperator(node: "#7 (Relu)", op: "Relu", domain: "", opset: 14))"
            == "node #7 (Relu): operator Relu at opset 14 is not supported")
    }

    @Test func constantsComeFromInitializersAndConstantNodes() throws {
        let model = try ONNXModelFile.load(Fixture.url("tiny.onnx"))
        let constants = try GraphConstants.collect(model.graph)
        #expect(constants.keys.sorted() == ["conv.bias", "conv.weight", "fc.bias", "fc.weight", "scale"])
        #expect(constants["scale"]?.shape == [])
        #expect(try constants["scale"]?.values(as: Float.self) == [2])
        var graph = Onnx_GraphProto()
        graph.node = [
            Self.node("Constant", [], ["a"], [Self.attribute("value_ints") { $0.type = .ints; $0.ints = [1, -1] }]),
            Self.node("Constant", [], ["b"], [Self.attribute("value_float") { $0.type = .float; $0.f = 0.25 }]),
        ]
        let small = try GraphConstants.collect(graph)
        #expect(try small["a"]?.values(as: Int64.self) == [1, -1])
        #expect(try small["b"]?.values(as: Float.self) == [0.25])
        graph.node = [Self.node("Constant", [], ["s"], [Self.attribute("value_string") { $0.type = .string; $0.s = Data("x".utf8) }])]
        #expect(throws: ONNXImportError.invalidConstant(node: "#0 (Constant)", reason: "attribute value_string is not supported (only numeric constants)")) {
            try GraphConstants.collect(graph)
        }
    }

    @Test func graphOrderIsChecked() throws {
        try GraphOrder.validate(try ONNXModelFile.load(Fixture.url("tiny.onnx")).graph)
        var graph = Onnx_GraphProto()
        var input = Onnx_ValueInfoProto()
        input.name = "x"
        graph.input = [input]
        graph.node = [Self.node("Relu", ["h"], ["y"], name: "late"), Self.node("Relu", ["x"], ["h"])]
        #expect(throws: ONNXImportError.undefinedInput(node: "'late'", op: "Relu", input: "h")) { try GraphOrder.validate(graph) }
        graph.node = [Self.node("Relu", ["x"], ["h"]), Self.node("Sigmoid", ["x"], ["h"])]
        #expect(throws: ONNXImportError.duplicateOutput(node: "#1 (Sigmoid)", op: "Sigmoid", output: "h")) { try GraphOrder.validate(graph) }
        graph.node = [Self.node("Clip", ["x", "", "max"], ["y"])]
        #expect(throws: ONNXImportError.undefinedInput(node: "#0 (Clip)", op: "Clip", input: "max")) { try GraphOrder.validate(graph) }
    }

    @Test func opsets() throws {
        let model = try ONNXModelFile.load(Fixture.url("tiny.onnx"))
        #expect(try model.opsetVersion() == 13)
        #expect(try model.opsetVersion(domain: "ai.onnx") == 13)
        #expect(throws: ONNXImportError.missingOpset(domain: "com.microsoft")) { try model.opsetVersion(domain: "com.microsoft") }
    }
}
