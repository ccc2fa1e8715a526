import AviaryNN
import Foundation
import SwiftProtobuf

/// A value flowing through the graph being exported: its ONNX name and its shape (batch first).
/// Shapes are tracked so the graph output can be declared and a bad input shape fails at export.
public struct ONNXExportValue: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
}

/// A module that writes its own ONNX nodes, for models whose `forward` is more than a chain of
/// children (residual additions, branches). Plain stacks need no conformance.
public protocol ONNXExportable: Module {
    func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue
}

/// Writes a trained `Module` as an ONNX model (opset 13, batch dimension named "N"), in inference
/// form: batch norm with running statistics, dropout left out. Initializers keep the module's
/// state-dict names, so the file reads like PyTorch's own export of the same model.
public struct ONNXExporter {
    public static let opset: Int64 = 13
    var builder: ONNXModelBuilder
    var nodes: [(op: String, inputs: [String], outputs: [String], name: String, attributes: [String: ONNXModelBuilder.Attribute])] = []
    var usedNames: Set<String> = []
    /// Set by an imported graph, whose nodes keep their own opset's meaning (see `require(opset:)`).
    var requiredOpset: Int64?

    init(graphName: String) {
        builder = ONNXModelBuilder(graphName: graphName, opset: Self.opset)
    }

    /// The serialized model. `inputShape` is [N, C, H, W] as trained; N becomes symbolic.
    public static func export(_ module: any Module, inputShape: [Int], inputName: String = "input", outputName: String = "logits",
                              graphName: String = "aviary") throws -> Data {
        try model(module, inputShape: inputShape, inputName: inputName, outputName: outputName, graphName: graphName).serializedData()
    }

    public static func model(_ module: any Module, inputShape: [Int], inputName: String = "input", outputName: String = "logits",
                             graphName: String = "aviary") throws(ONNXExportError) -> Onnx_ModelProto {
        guard inputShape.count >= 2, inputShape.allSatisfy({ $0 > 0 }) else {
            throw .shapeMismatch(path: "", type: Self.typeName(module), detail: "input shape \(inputShape) needs a batch and at least one positive dimension")
        }
        var exporter = ONNXExporter(graphName: graphName)
        exporter.usedNames = [inputName]
        let output = try exporter.emit(module, ONNXExportValue(name: inputName, shape: inputShape), path: "")
        exporter.builder.addInput(inputName, .float32, shape: ["N"] + inputShape.dropFirst().map { .size($0) })
        exporter.builder.addOutput(outputName, .float32, shape: ["N"] + output.shape.dropFirst().map { .size($0) })
        if let last = exporter.nodes.indices.last, exporter.nodes[last].outputs == [output.name], output.name != inputName {
            exporter.nodes[last].outputs = [outputName]
        } else {
            exporter.nodes.append(("Identity", [output.name], [outputName], "output", [:]))
        }
        for node in exporter.nodes {
            exporter.builder.addNode(node.op, inputs: node.inputs, outputs: node.outputs, name: node.name, attributes: node.attributes)
        }
        var model = exporter.builder.build()
        if let opset = exporter.requiredOpset {
            model.opsetImport[0].version = opset
            model.irVersion = ONNXModelBuilder.irVersion(forOpset: opset)
        }
        return model
    }

    /// Emits `module` (and its children) reading `input`; returns the value it produces.
    public mutating func emit(_ module: any Module, _ input: ONNXExportValue, path: String) throws(ONNXExportError) -> ONNXExportValue {
        if let custom = module as? any ONNXExportable { return try custom.exportONNX(input, path: path, into: &self) }
        switch module {
        case let sequential as Sequential:
            var value = input
            for (name, child) in sequential.children { value = try emit(child, value, path: Self.join(path, name)) }
            return value
        case let conv as Conv2d: return try emitConv(conv, input, path: path)
        case let norm as BatchNorm2d: return try emitBatchNorm(norm, input, path: path)
        case let linear as Linear: return try emitLinear(linear, input, path: path)
        case let layer as ActivationLayer: return try emitActivation(layer.kind, input, path: path)
        case let pool as MaxPool2d: return try emitPool("MaxPool", kernel: pool.kernel, options: pool.options, input, path: path, type: "MaxPool2d")
        case let pool as AvgPool2d: return try emitPool("AveragePool", kernel: pool.kernel, options: pool.options, input, path: path, type: "AvgPool2d")
        case is GlobalAvgPool2d:
            try Self.requireRank(4, input, path: path, type: "GlobalAvgPool2d")
            return node("GlobalAveragePool", [input.name], path: path, shape: Array(input.shape.prefix(2)) + [1, 1])
        case is Flatten:
            return node("Flatten", [input.name], path: path, attributes: ["axis": .int(1)],
                        shape: [input.shape[0], input.shape.dropFirst().reduce(1, *)])
        case is Dropout, is Identity:
            return input
        case let unit as ConvNormActivation:
            var value = try emit(unit.conv, input, path: Self.join(path, "0"))
            value = try emit(unit.norm, value, path: Self.join(path, "1"))
            if let activation = unit.activation { value = try emit(activation, value, path: Self.join(path, "2")) }
            return value
        case let model as SmallCNN:
            let features = try emit(model.features, input, path: Self.join(path, "features"))
            return try emit(model.classifier, features, path: Self.join(path, "classifier"))
        default:
            throw .unsupportedModule(path: path, type: Self.typeName(module))
        }
    }

    /// Appends a node with one output named after `path` (made unique) and returns that output.
    public mutating func node(_ op: String, _ inputs: [String], path: String, attributes: [String: ONNXModelBuilder.Attribute] = [:],
                              shape: [Int]) -> ONNXExportValue {
        let output = uniqueName(path.isEmpty ? op : "\(path)/\(op)")
        nodes.append((op, inputs, [output], output, attributes))
        return ONNXExportValue(name: output, shape: shape)
    }

    /// Stores a weight under `name` (its state-dict name) and returns that name.
    public mutating func initializer(_ name: String, _ tensor: Tensor) -> String {
        let unique = uniqueName(name)
        // Shapes and counts come from a valid Tensor, so HostArray cannot refuse them.
        builder.addInitializer(unique, try! HostArray(shape: tensor.shape, values: tensor.scalars))
        return unique
    }

    mutating func uniqueName(_ base: String) -> String {
        var candidate = base, suffix = 1
        while usedNames.contains(candidate) { candidate = "\(base)_\(suffix)"; suffix += 1 }
        usedNames.insert(candidate)
        return candidate
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    static func typeName(_ module: any Module) -> String { String(describing: type(of: module)) }

    static func requireRank(_ rank: Int, _ value: ONNXExportValue, path: String, type: String) throws(ONNXExportError) {
        guard value.shape.count == rank else {
            throw .shapeMismatch(path: path, type: type, detail: "expects rank \(rank), got shape \(value.shape)")
        }
    }
}
