import AviaryNN
import Foundation

/// An imported graph written back: its kept nodes as they were, its weights with their current
/// (possibly fine-tuned) values, so a backbone can sit inside any exported module tree.
extension ImportedModule: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        let type = "ImportedModule"
        guard inputNames.count == 1 else {
            throw .unsupportedSetting(path: path, type: type, detail: "the graph reads \(inputNames.count) inputs (\(inputNames.joined(separator: ", "))); export composes graphs with one")
        }
        try exporter.require(opset: opset, path: path, type: type)
        let shape = try outputShape(input.shape, path: path, type: type)
        let parameterValues = Dictionary(uniqueKeysWithValues: parameters.map { ($0.0, $0.1.value) } + buffers.map { ($0.0, $0.1.value) })
        var renamed = [inputNames[0]: input.name]
        for (index, node) in steps {
            let label = node.label(index: index)
            var inputs: [String] = []
            // Inference form: Dropout without training_mode (an exported graph must not drop at inference).
            for name in node.opType == "Dropout" ? Array(node.input.prefix(2)) : node.input {
                if name.isEmpty || renamed[name] != nil { inputs.append(renamed[name] ?? ""); continue }
                // Weights and constants are written where first read, so the file follows the graph.
                if let tensor = parameterValues[name] {
                    renamed[name] = exporter.initializer(ONNXExporter.join(path, name), tensor)
                } else if let array = constants[name] {
                    renamed[name] = exporter.constant(ONNXExporter.join(path, name), array)
                } else {
                    throw .unsupportedSetting(path: path, type: type, detail: "node \(label) reads '\(name)', which the exported graph does not compute (an extra training output?)")
                }
                inputs.append(renamed[name]!)
            }
            // Inference form: BatchNormalization without training_mode and its statistics outputs.
            let isNorm = node.opType == "BatchNormalization"
            let outputs = (isNorm ? Array(node.output.prefix(1)) : node.output).map { name in
                name.isEmpty ? "" : exporter.uniqueName(ONNXExporter.join(path, name))
            }
            for (original, name) in zip(node.output, outputs) where !name.isEmpty { renamed[original] = name }
            var attributes: [String: ONNXModelBuilder.Attribute] = [:]
            for attribute in node.attribute where !(isNorm && attribute.name == "training_mode") {
                attributes[attribute.name] = try Self.attribute(attribute, node: label, path: path)
            }
            exporter.nodes.append((node.opType, inputs, outputs, outputs.first ?? label, attributes))
        }
        guard let output = renamed[outputNames[0]] else {
            throw .unsupportedSetting(path: path, type: type, detail: "output '\(outputNames[0])' is not computed from the input")
        }
        return ONNXExportValue(name: output, shape: shape)
    }

    /// The graph as cut, with its current weights, as ONNX bytes: input and output keep their names,
    /// the batch becomes symbolic ("N") and the other input dimensions are `inputShape`'s.
    public func exportONNX(inputShape: [Int]) throws -> Data {
        guard inputNames.count == 1 else { throw ImportedModuleError.inputCount(names: inputNames) }
        return try ONNXExporter.export(self, inputShape: inputShape, inputName: inputNames[0], outputName: outputNames[0], graphName: "aviary_imported")
    }

    /// The output shape for `inputShape`, found by running the graph once in inference mode (the
    /// graph's own shape annotations may be absent, symbolic or stale after a cut).
    func outputShape(_ inputShape: [Int], path: String, type: String) throws(ONNXExportError) -> [Int] {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        do {
            return try GradientMode.withoutGradients { try forward(Variable(Tensor(zeros: inputShape))).shape }
        } catch {
            throw .shapeMismatch(path: path, type: type, detail: "the graph does not run on \(inputShape): \(error)")
        }
    }

    /// The attribute kinds the supported operators use; older exporters leave `type` unset.
    static func attribute(_ attribute: Onnx_AttributeProto, node: String, path: String) throws(ONNXExportError) -> ONNXModelBuilder.Attribute {
        switch attribute.type {
        case .int: return .int(attribute.i)
        case .ints: return .ints(attribute.ints)
        case .float: return .float(attribute.f)
        case .floats: return .floats(attribute.floats)
        case .string: return .string(String(decoding: attribute.s, as: UTF8.self))
        case .tensor:
            do { return .tensor(try HostArray(attribute.t)) } catch {
                throw .unsupportedSetting(path: path, type: "ImportedModule", detail: "node \(node) attribute \(attribute.name): \(error)")
            }
        case .undefined where attribute.hasI: return .int(attribute.i)
        case .undefined where attribute.hasF: return .float(attribute.f)
        case .undefined where attribute.hasS: return .string(String(decoding: attribute.s, as: UTF8.self))
        case .undefined where !attribute.ints.isEmpty: return .ints(attribute.ints)
        case .undefined where !attribute.floats.isEmpty: return .floats(attribute.floats)
        default:
            throw .unsupportedSetting(path: path, type: "ImportedModule", detail: "node \(node) attribute \(attribute.name) is \(NodeAttributes.typeName(attribute.type)), which export does not write")
        }
    }
}

extension ONNXExporter {
    /// Opsets at which the exporter's own nodes (Clip with bound inputs from 11, Conv, Gemm,
    /// BatchNormalization, pools, Flatten) mean what it assumes; an imported graph keeps its
    /// opset, because its nodes' meaning (Softmax's axis, Squeeze's axes…) depends on it.
    public static let composableOpsets: ClosedRange<Int64> = 11...22

    mutating func require(opset: Int64, path: String, type: String) throws(ONNXExportError) {
        guard Self.composableOpsets.contains(opset) else {
            throw .unsupportedSetting(path: path, type: type, detail: "the imported graph is opset \(opset); export keeps an imported graph's opset and supports \(Self.composableOpsets.lowerBound) to \(Self.composableOpsets.upperBound). Convert it first: onnx.version_converter.convert_version(model, 13)")
        }
        if let required = requiredOpset, required != opset {
            throw .unsupportedSetting(path: path, type: type, detail: "it is opset \(opset) but another imported graph in the model is opset \(required); convert both to one opset")
        }
        requiredOpset = opset
    }

    /// A constant that is not a weight (a shape, axes, a Clip bound), stored as it was read.
    mutating func constant(_ name: String, _ array: HostArray) -> String {
        let unique = uniqueName(name)
        builder.addInitializer(unique, array)
        return unique
    }
}
