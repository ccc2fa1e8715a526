import AviaryNN
import AviaryTensor

/// Eval-mode inference of an imported graph the way the zoo models run: each Conv, with the
/// BatchNormalization (folded into its weights), Add (a `sum` post-op) and Relu or constant Clip
/// that follow it, as one `conv2dInference`, whose result stays in the kernel's layout for the next
/// one. Node by node, an imported EfficientNet-Lite0 took 2.1–2.5× the time of the same network
/// from the zoo (`ONNXBackboneBench`).
///
/// A chain only takes nodes whose input is the previous one's output and nobody else's, and never
/// a value the module returns, so no value that anything else reads disappears. Training, or any
/// pass that records gradients, runs node by node.
struct ConvChain {
    /// Positions in `steps`.
    let conv: Int
    var norm: Int?
    /// The Add, and the name of its other operand.
    var add: (position: Int, residual: String)?
    var activation: (position: Int, kind: Activation)?
    /// The name the chain's result is bound to: the last fused node's output.
    var output: String
    /// The Conv of the grouped (depthwise) chain that alone reads this 1×1 one's result, when
    /// neither adds a residual: the two run as one call (`ImportedModule+PairFusion`).
    var next: Int?

    var fusedAfterConv: [Int] { [norm, add?.position, activation?.position].compactMap { $0 } }
}

/// A conv chain ready to run (`ImportedModule.prepare`).
struct PreparedChain {
    var chain: ConvChain
    var options: Conv2DOptions
    /// The convolution's weights with its batch norm folded in.
    var weight: Tensor, bias: Tensor?
    var residual: Variable?
    /// The logical [N, C, H, W] of its result.
    var output: [Int]
}

extension ImportedModule {
    /// The chains of `steps`, by the position of their Conv.
    static func convChains(_ steps: [(index: Int, node: Onnx_NodeProto)], outputs: [String], buffers: [String: Buffer],
                           constants: [String: HostArray], opset: Int64) -> [Int: ConvChain] {
        var readers: [String: [Int]] = [:]
        for (position, step) in steps.enumerated() {
            for name in step.node.input where !name.isEmpty { readers[name, default: []].append(position) }
        }
        let returned = Set(outputs)
        /// The one node that reads `name`, when exactly one does and the module does not return it.
        func soleReader(of name: String) -> (position: Int, node: Onnx_NodeProto)? {
            guard !returned.contains(name), let positions = readers[name], positions.count == 1 else { return nil }
            return (positions[0], steps[positions[0]].node)
        }
        var chains: [Int: ConvChain] = [:]
        for (position, step) in steps.enumerated() where step.node.opType == "Conv" && step.node.input.count >= 2 && step.node.output.count == 1 {
            var chain = ConvChain(conv: position, output: step.node.output[0])
            if let next = soleReader(of: chain.output), next.node.opType == "BatchNormalization", next.node.input.count == 5,
               next.node.input[0] == chain.output, buffers[next.node.input[3]] != nil, buffers[next.node.input[4]] != nil,
               next.node.output.dropFirst().allSatisfy(\.isEmpty) {
                chain.norm = next.position
                chain.output = next.node.output[0]
            }
            if let next = soleReader(of: chain.output), next.node.opType == "Add", next.node.input.count == 2, next.node.output.count == 1,
               let residual = next.node.input.first(where: { $0 != chain.output }), next.node.input.contains(chain.output) {
                chain.add = (next.position, residual)
                chain.output = next.node.output[0]
            }
            if let next = soleReader(of: chain.output), next.node.output.count == 1,
               let kind = fusableActivation(next.node, constants: constants, opset: opset) {
                chain.activation = (next.position, kind)
                chain.output = next.node.output[0]
            }
            chains[position] = chain
        }
        for (position, chain) in chains where chain.add == nil {
            if let reader = soleReader(of: chain.output), reader.node.input.first == chain.output, chains[reader.position]?.add == nil,
               expandsIntoGrouped(steps[position].node, reader.node) {
                chains[position]?.next = reader.position
            }
        }
        return chains
    }

    /// A Conv with a 1×1 window (when its `kernel_shape` says; the weights decide at run time)
    /// read by a grouped one: an expansion and, most likely, its depthwise layer.
    private static func expandsIntoGrouped(_ first: Onnx_NodeProto, _ second: Onnx_NodeProto) -> Bool {
        let window = first.attribute.first { $0.name == "kernel_shape" }?.ints
        let groups = second.attribute.first { $0.name == "group" }?.i ?? 1
        return (window == nil || window == [1, 1]) && groups > 1
    }

    /// Relu, or a Clip whose bounds are known before the graph runs.
    private static func fusableActivation(_ node: Onnx_NodeProto, constants: [String: HostArray], opset: Int64) -> Activation? {
        if node.opType == "Relu" && node.attribute.isEmpty { return .relu }
        guard node.opType == "Clip" else { return nil }
        var low = -Float.infinity, high = Float.infinity
        if opset < 11 {
            for attribute in node.attribute {
                switch attribute.name {
                case "min": low = attribute.f
                case "max": high = attribute.f
                default: return nil
                }
            }
        } else {
            guard node.attribute.isEmpty else { return nil }
            for (index, name) in node.input.enumerated().dropFirst() where !name.isEmpty {
                guard let bound = constants[name], bound.elementType == .float32, bound.count == 1, let value = bound.floats().first else { return nil }
                if index == 1 { low = value } else { high = value }
            }
        }
        return low == 0 && high == .infinity ? .relu : .clip(min: low, max: high)
    }

    /// The chain as one `conv2dInference`, with the chain it ran: without its Add and activation
    /// when the residual comes later in file order (a shortcut convolution exported after the main
    /// branch). Nil when this pass's values do not fit it (not an image, a residual shaped
    /// otherwise): the nodes then run one by one.
    func runFused(_ chain: ConvChain, _ values: [String: ImportedValue]) throws -> (Variable, ConvChain)? {
        guard case .variable(let x)? = values[steps[chain.conv].node.input[0]], let prepared = try prepare(chain, input: x.shape, values) else { return nil }
        return (try x.conv2dInference(weight: prepared.weight, bias: prepared.bias, options: prepared.options,
                                      activation: prepared.chain.activation?.kind, residual: prepared.residual), prepared.chain)
    }

    /// A chain's convolution ready to run on an input shaped `input`: its options, its weights
    /// with the batch norm folded in, its residual, and the chain as it will run. Nil when this
    /// pass's values do not fit it (see `runFused`).
    func prepare(_ chain: ConvChain, input: [Int], _ values: [String: ImportedValue]) throws -> PreparedChain? {
        let (position, node) = (chain.conv, steps[chain.conv].node)
        let context = NodeAttributes(node, index: steps[position].index, opset: opset)
        guard input.count == 4, let weight = try values[node.input[1]]?.variable(context, input: node.input[1]), weight.shape.count == 4 else { return nil }
        let bias = node.input.count > 2 && !node.input[2].isEmpty ? try values[node.input[2]]?.variable(context, input: node.input[2]) : nil
        try WindowImport.checkAttributes(context)
        let (options, _) = try WindowImport.resolve(context, input: input, weight: weight.shape)
        var chain = chain, residual: Variable?
        if let add = chain.add {
            if case .variable(let r)? = values[add.residual] {
                residual = r
            } else {
                chain.add = nil
                chain.activation = nil
                chain.output = steps[chain.norm ?? chain.conv].node.output[0]
            }
        }
        guard let (w, b) = try folded(chain, weight: weight.value, bias: bias?.value, values) else { return nil }
        let geometry = try options.resolve(op: "Conv", inputH: input[2], inputW: input[3], kernelH: weight.shape[2], kernelW: weight.shape[3])
        let output = [input[0], weight.shape[0], geometry.outputH, geometry.outputW]
        if let residual, residual.shape != output { return nil }
        return PreparedChain(chain: chain, options: options, weight: w, bias: b, residual: residual, output: output)
    }

    /// The convolution's weights with the chain's batch norm folded in, remembered while the
    /// arrays they came from are the same storage (any in-place change misses).
    /// Nil when the batch norm's scale or offset is not known yet at the convolution (computed
    /// by a node in between), so the chain runs node by node.
    private func folded(_ chain: ConvChain, weight: Tensor, bias: Tensor?, _ values: [String: ImportedValue]) throws -> (Tensor, Tensor?)? {
        guard let position = chain.norm else { return (weight, bias) }
        let node = steps[position].node
        let context = NodeAttributes(node, index: steps[position].index, opset: opset)
        try checkBatchNormAttributes(context)
        guard let scale = values[node.input[1]], let offset = values[node.input[2]] else { return nil }
        let gamma = try scale.variable(context, input: node.input[1]).value
        let beta = try offset.variable(context, input: node.input[2]).value
        let mean = bufferByName[node.input[3]]!.value, variance = bufferByName[node.input[4]]!.value
        let sources = [weight.scalars, bias?.scalars ?? [], gamma.scalars, beta.scalars, mean.scalars, variance.scalars]
        if let cached = foldCache[position], zip(cached.sources, sources).allSatisfy({ $0.sharesStorage(with: $1) }) {
            return (cached.weight, cached.bias)
        }
        let (w, b) = BatchNormFolding.fold(weight: weight, bias: bias, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                           epsilon: try context.float("epsilon") ?? 1e-5)
        foldCache[position] = (sources, w, b)
        return (w, b)
    }
}
