import CDNNL
import Foundation

/// The forward, backward-data and backward-weights primitives of one convolution shape. The
/// backward ones are built on first use, with the forward descriptor as their hint.
final class DNNLConvolution {
    private let engine: dnnl_engine_t
    private let key: DNNLKernels.ConvolutionKey
    private let outputShape: [Int]
    private let userSrc: dnnl_memory_desc_t, userWeights: dnnl_memory_desc_t
    /// The input gradient's layout: the input's, except NHWC for an nChw16c training input.
    private let userDiffSrc: dnnl_memory_desc_t
    private let userBias: dnnl_memory_desc_t, userDst: dnnl_memory_desc_t
    private let forwardPrimitive: DNNLPrimitive
    /// Inference sources, and residuals, in the other layouts a chain may hold (made on first use).
    private var inferenceSources: [ActivationLayout: DNNLOperand] = [:]
    private var inferenceResiduals: [ActivationLayout: DNNLOperand] = [:]
    /// Inference weights kept in the kernel's layout between calls.
    let preparedWeights: DNNLPreparedWeights?
    private let fwdSrc: DNNLOperand, fwdWeights: DNNLOperand, fwdBias: DNNLOperand, fwdDst: DNNLOperand
    private var backwardDataPlan: (primitive: DNNLPrimitive, diffDst: DNNLOperand, diffDstBlocked: DNNLOperand, weights: DNNLOperand, diffSrc: DNNLOperand)?
    /// A backward primitive oneDNN could only serve with `ref`: remembered so it is not rebuilt each step.
    private var backwardRefusals: [String: DNNLRefusal] = [:]
    /// With and without a bias gradient: the zoo's convolutions have no bias, and oneDNN's kernels
    /// reduce it in plain C++ loops after the weights (`DNNL_VERBOSE` does not show them).
    private var backwardWeightsPlans: [Bool: (primitive: DNNLPrimitive, src: DNNLOperand, diffDst: DNNLOperand, diffDstBlocked: DNNLOperand, diffWeights: DNNLOperand, diffBias: DNNLOperand?)] = [:]
    /// Winograd or direct, as the forward pass got it; the backward passes ask for the same.
    private let algorithm: dnnl_alg_kind_t
    /// Whether a residual is a binary post-op's operand (else a `sum` post-op's starting destination).
    let addsResidualOperand: Bool

    /// Strides, dilations (oneDNN counts from 0 = dense, PyTorch from 1) and the two pad pairs.
    private static func window(_ g: Conv2DGeometry) -> ([Int64], [Int64], [Int64], [Int64]) {
        ([Int64(g.strideH), Int64(g.strideW)], [Int64(g.dilationH - 1), Int64(g.dilationW - 1)],
         [Int64(g.padTop), Int64(g.padLeft)], [Int64(g.padBottom), Int64(g.padRight)])
    }

    init(key: DNNLKernels.ConvolutionKey, engine: dnnl_engine_t) throws {
        self.engine = engine
        self.key = key
        let g = key.geometry
        let op = "conv2d"
        outputShape = [key.input[0], key.weight[0], g.outputH, g.outputW]
        let weightDims = g.groups == 1 ? key.weight : [g.groups, key.weight[0] / g.groups] + key.weight.dropFirst()
        // Channels-last training: NHWC activations in and out of every pass, input as it is held.
        let trainingNHWC = key.trainingChannelsLast
        userSrc = try dnnlDesc(key.input, key.inputBlocked16 ? dnnl_nChw16c : trainingNHWC && key.inputChannelsLast ? dnnl_nhwc : dnnl_nchw, op: op)
        userDiffSrc = key.inputBlocked16 ? try dnnlDesc(key.input, dnnl_nhwc, op: op) : userSrc
        userWeights = try dnnlDesc(weightDims, g.groups == 1 ? dnnl_oihw : dnnl_goihw, op: op)
        userBias = try dnnlDesc([key.weight[0]], dnnl_x, op: op)
        // Inference chains keep activations in the kernel's layout between convolutions: NHWC
        // for brgconv, or nChw16c (`key.blocked16`, see `DNNLKernels.infersBlocked`).
        let nhwc = (key.channelsLast && !key.blocked16) || trainingNHWC
        userDst = try dnnlDesc(outputShape, key.blocked16 ? dnnl_nChw16c : nhwc ? dnnl_nhwc : dnnl_nchw, op: op)
        let kernelNHWC = nhwc && !(trainingNHWC && DNNLConvolution.trainsBlocked(key))
        // A first layer (3 channels) reads the image as it lies rather than padded to 16 channels.
        let blockedSrc = key.input[1] >= 16 ? dnnl_nChw16c : dnnl_format_tag_any
        let anySrc = try dnnlDesc(key.input, key.blocked16 ? blockedSrc : kernelNHWC ? dnnl_nhwc : dnnl_format_tag_any, op: op)
        var anyWeights = try dnnlDesc(weightDims, dnnl_format_tag_any, op: op)
        let anyDst = try dnnlDesc(outputShape, key.blocked16 ? dnnl_nChw16c : kernelNHWC ? dnnl_nhwc : dnnl_format_tag_any, op: op)
        var bias = userBias
        var desc = dnnl_convolution_desc_t()
        let (s, d, l, r) = DNNLConvolution.window(key.geometry)
        // Fused post-ops mean inference only (no backward from a fused output).
        let inference = key.activation != nil || key.channelsLast
        let activationPostOps: [DNNLPostOp] = key.activation.flatMap(DNNLKernels.eltwise).map { [.eltwise($0.0, $0.1, $0.2)] } ?? []
        let name = "conv2d forward \(key.input)→\(outputShape)\(nhwc ? " channels-last" : "")"
        let make = { (algorithm: dnnl_alg_kind_t, residualPostOps: [DNNLPostOp]) throws -> DNNLPrimitive in
            // Winograd runs on blocked activations only: channels-last ones are reordered in and out.
            let reorderedAround = algorithm == dnnl_convolution_winograd && !key.blocked16
            var src = reorderedAround ? try dnnlDesc(key.input, dnnl_format_tag_any, op: op) : anySrc
            var dst = reorderedAround ? try dnnlDesc(anyDst.dims(), dnnl_format_tag_any, op: op) : anyDst
            try dnnlCheck(dnnl_dilated_convolution_forward_desc_init(&desc, inference ? dnnl_forward_inference : dnnl_forward_training, algorithm, &src, &anyWeights, &bias, &dst, s, d, l, r), op, "dnnl_dilated_convolution_forward_desc_init")
            return try withUnsafePointer(to: &desc) { try DNNLPrimitive(op: name, opDesc: UnsafeRawPointer($0), engine: engine, hint: nil, postOps: residualPostOps + activationPostOps) }
        }
        // A residual is added as a binary post-op, read where it lies: the `sum` post-op adds into
        // the destination, which then has to start as a copy of the residual (a single-threaded
        // memcpy of every residual block's output). `sum` where the kernel has no binary post-op.
        let preferred = DNNLConvolution.preferredAlgorithm(key)
        // The operand is described as the result lies, so the kernel must write that layout too.
        if key.residual, let made = try? make(preferred, [.add(userDst)]), preferred != dnnl_convolution_winograd || made.implementation.contains("wino"),
           DNNLConvolution.sameLayout(made.desc(dnnl_query_dst_md), userDst) {
            (forwardPrimitive, algorithm, addsResidualOperand) = (made, preferred, true)
        } else {
            (forwardPrimitive, algorithm) = try DNNLConvolution.withFallback(preferred) { try make($0, key.residual ? [.sum] : []) }
            addsResidualOperand = false
        }
        fwdSrc = try DNNLOperand(argument: DNNLArgument.src, user: userSrc, kernel: forwardPrimitive.desc(dnnl_query_src_md), engine: engine, op: op)
        // Inference Winograd weights are pre-transformed (wino_fmt), which oneDNN cannot reorder back.
        fwdWeights = try DNNLOperand(argument: DNNLArgument.weights, user: userWeights, kernel: forwardPrimitive.desc(dnnl_query_weights_md), engine: engine, op: op, inputOnly: true)
        fwdBias = try DNNLOperand(argument: DNNLArgument.bias, user: userBias, kernel: forwardPrimitive.desc(dnnl_query_weights_md, index: 1), engine: engine, op: op)
        fwdDst = try DNNLOperand(argument: DNNLArgument.dst, user: userDst, kernel: forwardPrimitive.desc(dnnl_query_dst_md), engine: engine, op: op)
        preparedWeights = inference ? DNNLPreparedWeights(operand: fwdWeights) : nil
    }

    var implementation: String { forwardPrimitive.implementation }

    private static func sameLayout(_ a: dnnl_memory_desc_t, _ b: dnnl_memory_desc_t) -> Bool {
        var a = a, b = b
        return dnnl_memory_desc_equal(&a, &b) != 0
    }

    private var nhwcOutput: Bool { (key.channelsLast && !key.blocked16) || key.trainingChannelsLast }
    private var resultLayout: ActivationLayout { key.blocked16 ? .blocked16 : nhwcOutput ? .nhwc : .nchw }

    /// The forward source operand for an input that lies as `layout` says.
    private func source(_ layout: ActivationLayout) throws -> DNNLOperand {
        if layout == .nchw { return fwdSrc }
        return try DNNLConvolution.relayout(&inferenceSources, layout, dims: key.input, argument: DNNLArgument.src, into: forwardPrimitive.desc(dnnl_query_src_md), engine: engine)
    }

    /// The reorder of a residual that lies as `layout` says into the result's layout.
    private func residualSource(_ layout: ActivationLayout) throws -> DNNLOperand {
        try DNNLConvolution.relayout(&inferenceResiduals, layout, dims: outputShape, argument: DNNLArgument.dst, into: userDst, engine: engine)
    }

    /// The operand that reorders `dims`-shaped data lying as `layout` says into `kernel`, made once per layout.
    static func relayout(_ cache: inout [ActivationLayout: DNNLOperand], _ layout: ActivationLayout, dims: [Int], argument: Int32,
                         into kernel: dnnl_memory_desc_t, engine: dnnl_engine_t) throws -> DNNLOperand {
        if let made = cache[layout] { return made }
        let op = "conv2d forward", tag = layout == .nchw ? dnnl_nchw : layout == .nhwc ? dnnl_nhwc : dnnl_nChw16c
        let made = try DNNLOperand(argument: argument, user: dnnlDesc(dims, tag, op: op), kernel: kernel, engine: engine, op: op, inputOnly: true)
        cache[layout] = made
        return made
    }
    private var trainingKernelsNHWC: Bool { key.trainingChannelsLast && !DNNLConvolution.trainsBlocked(key) }

    /// Channels-last training asks the kernels for NHWC too, except for dense convolutions with
    /// windows over 1×1: for those oneDNN 2.6's training kernels ran a ResNet-18 step faster in
    /// its blocked layout, NHWC activations reordered in and out (three alternating runs, b32
    /// 112 px: 2.69 s NCHW path vs 3.23 s all-NHWC). `AVIARY_TRAINING_CONV_LAYOUT=nhwc` asks
    /// for NHWC everywhere (A/B runs).
    static func trainsBlocked(_ key: DNNLKernels.ConvolutionKey) -> Bool {
        key.trainingChannelsLast && allowsBlockedTraining && key.geometry.groups == 1 && key.geometry.kernelH * key.geometry.kernelW > 1
    }

    private static let allowsBlockedTraining = ProcessInfo.processInfo.environment["AVIARY_TRAINING_CONV_LAYOUT"] != "nhwc"

    /// The forward pass. For an inference-chain key, `input` lies as `inputLayout` says and the
    /// result lies NHWC, or nChw16c for a `blocked16` key; `residual` (output-sized, lying as
    /// `residualLayout` says, by default the result's layout) is added before the activation.
    /// `blockedOutput` (training; check `writesBlocked16`): the result stays in the kernel's
    /// nChw16c layout, [N, C/16, OH, OW, 16], for a batch norm that reads it as it is and writes
    /// channels-last, so the reorder back to NHWC is never needed.
    func forward(input: Tensor, inputLayout: ActivationLayout = .nchw, weight: Tensor, bias: Tensor?,
                 residual: Tensor? = nil, residualLayout: ActivationLayout? = nil, blockedOutput: Bool = false,
                 stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> Tensor {
        try forward(input: input, inputLayout: inputLayout, weight: weight, bias: bias, residual: residual, residualLayout: residualLayout,
                    blockedOutput: blockedOutput, keepingWeight: false, keepingInput: false, stream: stream, pool: pool).output
    }

    /// The training forward pass, also returning the weights as its kernel read them where that
    /// took a reorder (else nil). The backward-data pass of the same step reads the same layout
    /// (`backwardData(…, keptWeight:)`), so its own reorder of the weights is saved: 4.6 of a
    /// ResNet-18 b32 step's 38 ms of reorders (`DNNL_VERBOSE`, 112 px), for a copy of the weights.
    /// Keeping the reordered input for the backward-weights pass as well saved 6 ms more at 112 px
    /// but raised the peak at 224 px by 276 MB (1,244 → 1,520), so only inputs of at most
    /// `keptInputBytes` are kept (`keepingInput`); larger ones are reordered twice.
    func forwardKeepingWeight(input: Tensor, weight: Tensor, bias: Tensor?, blockedOutput: Bool, keepingInput: Bool,
                              stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> (output: Tensor, keptWeight: [Float]?, keptInput: [Float]?) {
        try forward(input: input, inputLayout: .nchw, weight: weight, bias: bias, residual: nil, residualLayout: nil,
                    blockedOutput: blockedOutput, keepingWeight: true, keepingInput: keepingInput, stream: stream, pool: pool)
    }

    /// The largest training input kept in the kernel's layout between the forward and the
    /// backward-weights pass: ResNet-18's block inputs at 112 px (6.4 MB at batch 32) and from
    /// its third stage on at 224 px. `AVIARY_KEPT_TRAINING_INPUT_MB` sets it (0: never, for A/B runs).
    static let keptInputBytes: Int = {
        guard let text = ProcessInfo.processInfo.environment["AVIARY_KEPT_TRAINING_INPUT_MB"], let megabytes = Double(text) else { return 8 << 20 }
        return Int(megabytes * 1_048_576)
    }()

    private func forward(input: Tensor, inputLayout: ActivationLayout, weight: Tensor, bias: Tensor?, residual: Tensor?, residualLayout: ActivationLayout?,
                         blockedOutput: Bool, keepingWeight keep: Bool, keepingInput: Bool, stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> (output: Tensor, keptWeight: [Float]?, keptInput: [Float]?) {
        var exec = DNNLExecution(engine: engine, stream: stream, op: "conv2d forward", pool: pool)
        var keptWeight: [Float]?
        // A residual is the binary post-op's operand, in the result's layout; else the sum post-op
        // adds into what the destination holds, which then starts as the residual.
        var out: [Float]
        if let residual, addsResidualOperand {
            out = uninitializedScalars(fwdDst.userBytes / MemoryLayout<Float>.stride)
            var operand = exec.readOnly(residual.scalars)
            if let layout = residualLayout, layout != resultLayout {
                let reordered = exec.scratch(bytes: fwdDst.userBytes)
                try exec.reorder(residualSource(layout), from: operand, into: reordered)
                operand = reordered
            }
            try exec.bind(DNNLArgument.postOpOperand(0), fwdDst.userDesc, operand)
        } else if let residual, let layout = residualLayout, layout != resultLayout {
            out = uninitializedScalars(fwdDst.userBytes / MemoryLayout<Float>.stride)
            try out.withUnsafeMutableBytes { try exec.reorder(residualSource(layout), from: exec.readOnly(residual.scalars), into: $0.baseAddress!) }
        } else if let residual, exec.recorder != nil {
            // Recorded for a replay (`InferenceReplay`): the copy as a oneDNN call it repeats.
            out = uninitializedScalars(fwdDst.userBytes / MemoryLayout<Float>.stride)
            try out.withUnsafeMutableBytes { try exec.copy(fwdDst.userDesc, from: exec.readOnly(residual.scalars), into: $0.baseAddress!) }
        } else {
            // A copy made now, on the engine's threads: writing into the caller's array would copy
            // it on write, in one memcpy on one core.
            out = residual.map { copiedOnEngineThreads($0.scalars) } ?? uninitializedScalars(fwdDst.userBytes / MemoryLayout<Float>.stride)
        }
        var keptInput: [Float]?
        if keepingInput {
            keptInput = try exec.inputKeepingKernelLayout(source(inputLayout), input.scalars)
        } else {
            try exec.input(source(inputLayout), exec.readOnly(input.scalars))
        }
        if let preparedWeights {
            try exec.prepared(fwdWeights, preparedWeights.kernelLayout(of: weight.scalars, execution: &exec))
        } else if keep {
            keptWeight = try exec.inputKeepingKernelLayout(fwdWeights, weight.scalars)
        } else {
            try exec.input(fwdWeights, exec.readOnly(weight.scalars))
        }
        try exec.input(fwdBias, exec.readOnly(bias?.scalars ?? [Float](repeating: 0, count: key.weight[0])))
        try out.withUnsafeMutableBytes { o in
            if blockedOutput {
                try exec.prepared(fwdDst, o.baseAddress!)
            } else {
                try exec.output(fwdDst, o.baseAddress!, accumulating: residual != nil && !addsResidualOperand)
            }
            try exec.execute(forwardPrimitive)
        }
        // A recorded pass keeps every result, those no variable holds too (an expansion's hidden layer).
        exec.recorder?.retain(out)
        if blockedOutput || key.blocked16 { return (Tensor(uncheckedShape: ActivationLayout.blocked16.physicalShape(outputShape), scalars: out), keptWeight, keptInput) }
        let shape = nhwcOutput ? [outputShape[0], outputShape[2], outputShape[3], outputShape[1]] : outputShape
        return (Tensor(uncheckedShape: shape, scalars: out), keptWeight, keptInput)
    }

    /// Whether the training forward pass writes nChw16c (oneDNN's blocked layout, channels a
    /// multiple of 16), so that `forward(…, blockedOutput: true)` can hand its result over as it is.
    var writesBlocked16: Bool {
        guard key.trainingChannelsLast, outputShape[1] % 16 == 0, let blocked = try? dnnlDesc(outputShape, dnnl_nChw16c, op: "conv2d") else { return false }
        return DNNLConvolution.sameLayout(fwdDst.kernel, blocked)
    }

    /// `gradOutputBlocked`: `gradOutput` holds nChw16c scalars (`forward(…, blockedOutput: true)`'s layout).
    /// `keptWeight`: `weight` as `forwardKeepingWeight` kept it.
    func backwardData(gradOutput: Tensor, gradOutputBlocked: Bool = false, weight: Tensor, keptWeight: [Float]? = nil,
                      stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> Tensor {
        if let refusal = backwardRefusals["data"] { throw refusal }
        if backwardDataPlan == nil {
            let op = "conv2d backward data"
            // Winograd runs on blocked activations only: channels-last ones are reordered in and out.
            let layout = trainingKernelsNHWC && algorithm != dnnl_convolution_winograd ? dnnl_nhwc : dnnl_format_tag_any
            var diffSrc = try dnnlDesc(key.input, layout, op: op)
            var weights = try dnnlDesc(fwdWeights.user.dims(), dnnl_format_tag_any, op: op)
            var diffDst = try dnnlDesc(outputShape, layout, op: op)
            var desc = dnnl_convolution_desc_t()
            let (s, d, l, r) = DNNLConvolution.window(key.geometry)
            let p = try remembering("data") { try DNNLConvolution.withFallback(algorithm) { algorithm in
                try dnnlCheck(dnnl_dilated_convolution_backward_data_desc_init(&desc, algorithm, &diffSrc, &weights, &diffDst, s, d, l, r), op, "dnnl_dilated_convolution_backward_data_desc_init")
                return try withUnsafePointer(to: &desc) { try DNNLPrimitive(op: "\(op) \(key.input)", opDesc: UnsafeRawPointer($0), engine: engine, hint: forwardPrimitive.descriptor) }
            }.0 }
            backwardDataPlan = (p,
                try DNNLOperand(argument: DNNLArgument.diffDst, user: userDst, kernel: p.desc(dnnl_query_diff_dst_md), engine: engine, op: op),
                try DNNLOperand(argument: DNNLArgument.diffDst, user: dnnlDesc(outputShape, dnnl_nChw16c, op: op), kernel: p.desc(dnnl_query_diff_dst_md), engine: engine, op: op, inputOnly: true),
                try DNNLOperand(argument: DNNLArgument.weights, user: userWeights, kernel: p.desc(dnnl_query_weights_md), engine: engine, op: op),
                try DNNLOperand(argument: DNNLArgument.diffSrc, user: userDiffSrc, kernel: p.desc(dnnl_query_diff_src_md), engine: engine, op: op))
        }
        let plan = backwardDataPlan!
        var out = uninitializedScalars(key.input.reduce(1, *))
        var exec = DNNLExecution(engine: engine, stream: stream, op: "conv2d backward data", pool: pool)
        try exec.input(gradOutputBlocked ? plan.diffDstBlocked : plan.diffDst, exec.readOnly(gradOutput.scalars))
        try exec.input(plan.weights, weight.scalars, kept: keptWeight, keptBy: fwdWeights)
        try out.withUnsafeMutableBytes { o in
            try exec.output(plan.diffSrc, o.baseAddress!)
            try exec.execute(plan.primitive)
        }
        let nhwc = key.trainingChannelsLast && (key.inputChannelsLast || key.inputBlocked16)
        let inputShape = nhwc ? [key.input[0], key.input[2], key.input[3], key.input[1]] : key.input
        return Tensor(uncheckedShape: inputShape, scalars: out)
    }

    /// The weight gradient, and the bias gradient when `needBias` (else nil). `keptInput`: `input`
    /// as `forwardKeepingWeight(…, keepingInput: true)` kept it.
    func backwardWeights(input: Tensor, gradOutput: Tensor, gradOutputBlocked: Bool = false, keptInput: [Float]? = nil, needBias: Bool,
                         stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> (weight: Tensor, bias: Tensor?) {
        let refusalKey = needBias ? "weights" : "weights without bias"
        if let refusal = backwardRefusals[refusalKey] { throw refusal }
        if backwardWeightsPlans[needBias] == nil {
            let op = "conv2d backward weights"
            let p = try remembering(refusalKey) {
                let layout = trainingKernelsNHWC && algorithm != dnnl_convolution_winograd ? dnnl_nhwc : dnnl_format_tag_any
                let chosen = try DNNLConvolution.withFallback(algorithm) { try backwardWeightsPrimitive(op: op, layout: layout, algorithm: $0, bias: needBias) }.0
                // Grouped (depthwise 5×5) shapes get oneDNN's GEMM-based kernel with `any`,
                // 10× slower than its JIT kernel on NHWC (EfficientNet-Lite0: 30 % of a step).
                guard key.geometry.groups > 1, chosen.implementation.contains("gemm"),
                      let nhwc = try? backwardWeightsPrimitive(op: op, layout: dnnl_nhwc, bias: needBias), !nhwc.implementation.contains("gemm")
                else { return chosen }
                return nhwc
            }
            backwardWeightsPlans[needBias] = (p,
                try DNNLOperand(argument: DNNLArgument.src, user: userSrc, kernel: p.desc(dnnl_query_src_md), engine: engine, op: op),
                try DNNLOperand(argument: DNNLArgument.diffDst, user: userDst, kernel: p.desc(dnnl_query_diff_dst_md), engine: engine, op: op),
                try DNNLOperand(argument: DNNLArgument.diffDst, user: dnnlDesc(outputShape, dnnl_nChw16c, op: op), kernel: p.desc(dnnl_query_diff_dst_md), engine: engine, op: op, inputOnly: true),
                try DNNLOperand(argument: DNNLArgument.diffWeights, user: userWeights, kernel: p.desc(dnnl_query_diff_weights_md), engine: engine, op: op),
                needBias ? try DNNLOperand(argument: DNNLArgument.diffBias, user: userBias, kernel: p.desc(dnnl_query_diff_weights_md, index: 1), engine: engine, op: op) : nil)
        }
        let plan = backwardWeightsPlans[needBias]!
        var dw = uninitializedScalars(key.weight.reduce(1, *))
        var db = needBias ? uninitializedScalars(key.weight[0]) : []
        var exec = DNNLExecution(engine: engine, stream: stream, op: "conv2d backward weights", pool: pool)
        try exec.input(plan.src, input.scalars, kept: keptInput, keptBy: fwdSrc)
        try exec.input(gradOutputBlocked ? plan.diffDstBlocked : plan.diffDst, exec.readOnly(gradOutput.scalars))
        try dw.withUnsafeMutableBytes { dw in try db.withUnsafeMutableBytes { db in
            try exec.output(plan.diffWeights, dw.baseAddress!)
            if let diffBias = plan.diffBias { try exec.output(diffBias, db.baseAddress!) }
            try exec.execute(plan.primitive)
        } }
        return (Tensor(uncheckedShape: key.weight, scalars: dw), needBias ? Tensor(uncheckedShape: [key.weight[0]], scalars: db) : nil)
    }

    private func backwardWeightsPrimitive(op: String, layout: dnnl_format_tag_t, algorithm: dnnl_alg_kind_t = dnnl_convolution_direct, bias: Bool) throws -> DNNLPrimitive {
        var src = try dnnlDesc(key.input, layout, op: op)
        var diffWeights = try dnnlDesc(fwdWeights.user.dims(), dnnl_format_tag_any, op: op)
        var diffBias = userBias
        var diffDst = try dnnlDesc(outputShape, layout, op: op)
        var desc = dnnl_convolution_desc_t()
        let (s, d, l, r) = DNNLConvolution.window(key.geometry)
        try withUnsafeMutablePointer(to: &diffBias) { biasDesc in
            try dnnlCheck(dnnl_dilated_convolution_backward_weights_desc_init(&desc, algorithm, &src, &diffWeights, bias ? biasDesc : nil, &diffDst, s, d, l, r),
                          op, "dnnl_dilated_convolution_backward_weights_desc_init")
        }
        return try withUnsafePointer(to: &desc) { try DNNLPrimitive(op: "\(op) \(key.input)", opDesc: UnsafeRawPointer($0), engine: engine, hint: forwardPrimitive.descriptor) }
    }

    private func remembering(_ pass: String, _ make: () throws -> DNNLPrimitive) throws -> DNNLPrimitive {
        do { return try make() } catch let refusal as DNNLRefusal {
            backwardRefusals[pass] = refusal
            throw refusal
        }
    }
}
