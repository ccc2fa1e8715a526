import AviaryNN
import Foundation
import SwiftProtobuf

/// An imported ONNX graph as a trainable `Module`, so a pretrained backbone can be fine-tuned like
/// a zoo model. Its float weights (initializers or Constant nodes) become named parameters under
/// their ONNX names, BatchNormalization statistics become buffers, and `train()` switches
/// BatchNormalization to batch statistics and Dropout on — what the exporting framework did in
/// training. The graph can be cut at any intermediate value (`outputs`), keeping only the nodes
/// that value needs: a classifier's pooled features, without its old head.
///
/// It starts in eval mode, as the model was exported; call `train()` before fitting.
public final class ImportedModule: Module {
    public let opset: Int64
    /// The graph inputs the kept nodes read, in graph order.
    public let inputNames: [String]
    /// The values returned: the requested cut, or the graph's own outputs.
    public let outputNames: [String]
    public var isTraining = false
    /// Dropout masks in training mode, seeded so a run is reproducible.
    public var dropoutGenerator: PCG32

    /// The nodes the outputs need, in file order, Constant nodes left out (their values are below).
    let steps: [(index: Int, node: Onnx_NodeProto)]
    /// Constants that are neither parameters nor buffers.
    let constants: [String: HostArray]
    let parameters: [(String, Variable)]
    let buffers: [(String, Buffer)]
    let bufferByName: [String: Buffer]
    /// Conv chains run as one inference convolution in eval mode (`ImportedModule+Fusion`).
    let chains: [Int: ConvChain]
    /// Folded batch-norm weights per chain, with the arrays they came from.
    var foldCache: [Int: (sources: [[Float]], weight: Tensor, bias: Tensor?)] = [:]

    /// `outputs` cuts the graph at those values (node outputs, by name); nil keeps the graph's outputs.
    public init(_ model: Onnx_ModelProto, outputs: [String]? = nil, seed: UInt64 = 0) throws {
        let graph = try ONNXGraph(outputs.map { Self.pruned(model, to: $0) } ?? model)
        let wanted = outputs ?? graph.outputNames
        guard !wanted.isEmpty else { throw ImportedModuleError.unknownValue(name: "", candidates: Self.featureCandidates(model)) }
        let produced = Set(graph.nodes.flatMap(\.output)).union(graph.inputNames).union(graph.constants.keys)
        for name in wanted where !produced.contains(name) {
            throw ImportedModuleError.unknownValue(name: name, candidates: Self.featureCandidates(model))
        }
        var needed = Set(wanted)
        var kept: [Int] = []
        for index in graph.nodes.indices.reversed() where graph.nodes[index].output.contains(where: needed.contains) {
            kept.append(index)
            needed.formUnion(graph.nodes[index].input.filter { !$0.isEmpty })
        }
        let steps = kept.reversed().map { (index: $0, node: graph.nodes[$0]) }.filter { $0.node.opType != "Constant" }
        let constants = graph.constants.filter { needed.contains($0.key) }
        let roles = TrainableConstants.roles(of: steps.map(\.node), constants: constants)
        var parameters: [(String, Variable)] = [], buffers: [(String, Buffer)] = [], seen: Set<String> = []
        for (_, node) in steps {
            for name in node.input where roles[name] != nil && seen.insert(name).inserted {
                let array = constants[name]!
                let tensor = try Tensor(shape: array.shape, scalars: array.floats())
                if roles[name] == .parameter { parameters.append((name, Variable(tensor, requiresGrad: true))) } else { buffers.append((name, Buffer(tensor))) }
            }
        }
        opset = graph.opset
        inputNames = graph.inputNames.filter { needed.contains($0) }
        guard !inputNames.isEmpty else { throw ImportedModuleError.noGraphInput(outputs: wanted) }
        outputNames = wanted
        self.steps = steps
        self.constants = constants.filter { roles[$0.key] == nil }
        self.parameters = parameters
        self.buffers = buffers
        bufferByName = Dictionary(uniqueKeysWithValues: buffers)
        chains = Self.convChains(steps, outputs: wanted, buffers: bufferByName, constants: self.constants, opset: graph.opset)
        dropoutGenerator = PCG32(seed: seed)
    }

    /// From the bytes of a `.onnx` file.
    public convenience init(onnx data: Data, outputs: [String]? = nil, seed: UInt64 = 0) throws {
        try self.init(try Self.decode(data), outputs: outputs, seed: seed)
    }

    static func decode(_ data: Data) throws(ImportedModuleError) -> Onnx_ModelProto {
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw .notAModel(reason: "\(error)")
        }
        guard model.hasGraph else { throw .notAModel(reason: "it has no graph (empty or truncated bytes)") }
        return model
    }

    public var localParameters: [(String, Variable)] { parameters }
    public var localBuffers: [(String, Buffer)] { buffers }

    /// The first output, for a graph with one input.
    public func forward(_ input: Variable) throws -> Variable {
        guard inputNames.count == 1 else { throw ImportedModuleError.inputCount(names: inputNames) }
        return try run([inputNames[0]: input])[outputNames[0]]!
    }

    /// Every output, from one tensor per graph input.
    public func run(_ inputs: [String: Variable]) throws -> [String: Variable] {
        var values: [String: ImportedValue] = constants.mapValues { .constant($0) }
        for (name, parameter) in parameters { values[name] = .variable(parameter) }
        for name in inputNames {
            guard let input = inputs[name] else { throw ImportedModuleError.missingInput(name: name, expected: inputNames) }
            values[name] = .variable(input)
        }
        // Eval mode without gradients: conv chains fused. Otherwise drop the folds, so that the
        // arrays they hold are not copied on an optimizer's first in-place write.
        let fusing = !isTraining && !GradientMode.isEnabled
        if !fusing && !foldCache.isEmpty { foldCache = [:] }
        var fused: Set<Int> = []
        for (position, (index, node)) in steps.enumerated() where !fused.contains(position) {
            if fusing, let chain = chains[position], let next = chain.next, let second = chains[next],
               let (result, output, ran) = try runFusedPair(chain, second, values) {
                values[output] = .variable(result)
                fused.formUnion(ran)
                continue
            }
            if fusing, let chain = chains[position], let (result, ran) = try runFused(chain, values) {
                values[ran.output] = .variable(result)
                fused.formUnion(ran.fusedAfterConv)
                continue
            }
            let context = NodeAttributes(node, index: index, opset: opset)
            let arguments: [ImportedValue?] = node.input.map { $0.isEmpty ? nil : values[$0] }
            let results: [ImportedValue]
            switch node.opType {
            case "BatchNormalization": results = try batchNorm(context, arguments)
            case "Dropout": results = try dropout(context, arguments)
            default: results = try ONNXOperators.apply(context, arguments)
            }
            for (name, result) in zip(node.output, results) where !name.isEmpty { values[name] = result }
        }
        var outputs: [String: Variable] = [:]
        for name in outputNames {
            guard case .variable(let value)? = values[name] else { throw ImportedModuleError.constantOutput(name: name) }
            outputs[name] = value
        }
        return outputs
    }

    /// Values worth cutting at for features: outputs of global pooling, Flatten and Reshape nodes
    /// (a classifier's pooled features come out of one of them), in graph order.
    public static func featureCandidates(_ model: Onnx_ModelProto) -> [String] {
        let ops: Set<String> = ["GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "ReduceMean"]
        return model.graph.node.filter { ops.contains($0.opType) }.compactMap(\.output.first)
    }
}
