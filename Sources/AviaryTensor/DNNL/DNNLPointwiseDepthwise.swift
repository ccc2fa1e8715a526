import CDNNL

/// A 1×1 convolution with the 3×3 depthwise convolution after it fused in (oneDNN's depthwise
/// post-op), for inference on nChw16c activations: the kernel computes a few rows of the 1×1's
/// output, runs the depthwise window over them while they are in cache and writes only the
/// depthwise result, so the block's widest activation never goes to memory.
///
/// Measured layer pair by layer pair (batch 32, 2 threads, ReLU6 after both, median of 25 calls,
/// both ways in oneDNN's blocked kernels): 16 → 96 channels at 112×112 with a stride-2 depthwise
/// 14.0 → 9.2 ms, 24 → 144 at 56×56 9.3 → 8.7 ms, 40 → 240 at 28×28 stride 2 4.1 → 3.5 ms; equal
/// from 14×14 down. 5×5 windows ran 10–35 % slower fused, so they are not. With NHWC activations
/// oneDNN 2.6 accepted the fusion and computed wrong values, so only nChw16c is asked for, and
/// hidden widths that are not a multiple of 16 get `ref_fused_convolution` (the two kernels one
/// after the other), which `DNNLPrimitive` refuses: those run as two calls.
final class DNNLPointwiseDepthwise {
    struct Key: Hashable {
        /// Logical [N, C, H, W] of the 1×1's input; its weight [hidden, C, 1, 1].
        var input: [Int], pointwiseWeight: [Int]
        var depthwise: Conv2DGeometry
        var pointwiseActivation: Activation?, depthwiseActivation: Activation?
    }

    private let engine: dnnl_engine_t
    private let key: Key
    /// Logical [N, hidden, OH, OW] of the depthwise result.
    private let outputShape: [Int]
    private let primitive: DNNLPrimitive
    private var sources: [ActivationLayout: DNNLOperand] = [:]
    private let pointwiseWeights: DNNLOperand, pointwiseBias: DNNLOperand
    private let depthwiseWeights: DNNLOperand, depthwiseBias: DNNLOperand
    private let destination: DNNLOperand
    /// Both weights kept in the kernel's layouts between calls.
    let preparedPointwise: DNNLPreparedWeights, preparedDepthwise: DNNLPreparedWeights

    /// Whether the pair is one oneDNN's fused kernel computes as the two convolutions would: a
    /// plain 1×1, then a dense-window 3×3 depthwise at stride 1 (padding 1) or 2 (padding 0 or 1
    /// before, TensorFlow's SAME or PyTorch's), whose output is ⌈input / stride⌉ as the fused
    /// kernel's is, over a hidden width that is a multiple of 16.
    static func fuses(input: [Int], pointwise p: InferenceConvolution, depthwise d: InferenceConvolution) -> Bool {
        let hidden = p.weight.shape[0], g = p.geometry, w = d.geometry
        let plainPointwise = p.weight.shape.count == 4 && p.weight.shape[2] == 1 && p.weight.shape[3] == 1 && g.groups == 1
            && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
        let paddings = w.strideH == 1 ? 1...1 : 0...1
        let window = d.weight.shape == [hidden, 1, 3, 3] && w.groups == hidden && w.dilationH == 1 && w.dilationW == 1
            && w.strideH == w.strideW && (1...2).contains(w.strideH) && w.padTop == w.padLeft && paddings.contains(w.padTop)
            && w.outputH == (w.inputH + w.strideH - 1) / w.strideH && w.outputW == (w.inputW + w.strideW - 1) / w.strideW
        return plainPointwise && window && hidden % 16 == 0 && input[1] >= 16
    }

    init(key: Key, engine: dnnl_engine_t) throws {
        self.engine = engine
        self.key = key
        let op = "1×1 + depthwise conv2d inference", g = key.depthwise, hidden = key.pointwiseWeight[0]
        outputShape = [key.input[0], hidden, g.outputH, g.outputW]
        var src = try dnnlDesc(key.input, dnnl_nChw16c, op: op)
        var weights = try dnnlDesc(key.pointwiseWeight, dnnl_format_tag_any, op: op)
        var bias = try dnnlDesc([hidden], dnnl_x, op: op)
        // The descriptor names the 1×1's own output; the primitive writes the depthwise one.
        var dst = try dnnlDesc([key.input[0], hidden, key.input[2], key.input[3]], dnnl_nChw16c, op: op)
        var desc = dnnl_convolution_desc_t()
        try dnnlCheck(dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct, &src, &weights, &bias, &dst, [1, 1], [0, 0], [0, 0]),
                      op, "dnnl_convolution_forward_desc_init")
        let eltwise = { (activation: Activation?) -> [DNNLPostOp] in
            activation.flatMap(DNNLKernels.eltwise).map { [.eltwise($0.algorithm, $0.alpha, $0.beta)] } ?? []
        }
        let postOps = eltwise(key.pointwiseActivation) + [.depthwise(kernel: g.kernelH, stride: g.strideH, padding: g.padTop)] + eltwise(key.depthwiseActivation)
        let name = "\(op) \(key.input)→\(outputShape)"
        primitive = try withUnsafePointer(to: &desc) { try DNNLPrimitive(op: name, opDesc: UnsafeRawPointer($0), engine: engine, hint: nil, postOps: postOps) }
        var written = primitive.desc(dnnl_query_dst_md), expected = try dnnlDesc(outputShape, dnnl_nChw16c, op: op)
        guard dnnl_memory_desc_equal(&written, &expected) != 0 else {
            throw DNNLRefusal(op: name, implementation: "\(primitive.implementation) writing \(written.dims())")
        }
        let depthwiseArgument = DNNLArgument.depthwise(DNNLArgument.weights), depthwiseBiasArgument = DNNLArgument.depthwise(DNNLArgument.bias)
        pointwiseWeights = try DNNLOperand(argument: DNNLArgument.weights, user: dnnlDesc(key.pointwiseWeight, dnnl_oihw, op: op),
                                           kernel: primitive.desc(dnnl_query_weights_md), engine: engine, op: op, inputOnly: true)
        pointwiseBias = try DNNLOperand(argument: DNNLArgument.bias, user: bias, kernel: primitive.desc(dnnl_query_weights_md, index: 1), engine: engine, op: op, inputOnly: true)
        depthwiseWeights = try DNNLOperand(argument: depthwiseArgument, user: dnnlDesc([hidden, 1, 1, g.kernelH, g.kernelW], dnnl_goihw, op: op),
                                           kernel: primitive.desc(dnnl_query_exec_arg_md, index: depthwiseArgument), engine: engine, op: op, inputOnly: true)
        depthwiseBias = try DNNLOperand(argument: depthwiseBiasArgument, user: bias, kernel: primitive.desc(dnnl_query_exec_arg_md, index: depthwiseBiasArgument),
                                        engine: engine, op: op, inputOnly: true)
        destination = try DNNLOperand(argument: DNNLArgument.dst, user: expected, kernel: written, engine: engine, op: op)
        preparedPointwise = DNNLPreparedWeights(operand: pointwiseWeights)
        preparedDepthwise = DNNLPreparedWeights(operand: depthwiseWeights)
    }

    var implementation: String { primitive.implementation }

    /// The depthwise result as nChw16c scalars, from `input` lying as `layout` says.
    func forward(input: Tensor, layout: ActivationLayout, pointwise: InferenceConvolution, depthwise: InferenceConvolution,
                 stream: dnnl_stream_t, pool: DNNLBufferPool) throws -> Tensor {
        var exec = DNNLExecution(engine: engine, stream: stream, op: "1×1 + depthwise conv2d inference", pool: pool)
        let source = try DNNLConvolution.relayout(&sources, layout, dims: key.input, argument: DNNLArgument.src, into: primitive.desc(dnnl_query_src_md), engine: engine)
        try exec.input(source, exec.readOnly(input.scalars))
        let zeros = [Float](repeating: 0, count: outputShape[1])
        try exec.prepared(pointwiseWeights, preparedPointwise.kernelLayout(of: pointwise.weight.scalars, execution: &exec))
        try exec.input(pointwiseBias, exec.readOnly(pointwise.bias?.scalars ?? zeros))
        try exec.prepared(depthwiseWeights, preparedDepthwise.kernelLayout(of: depthwise.weight.scalars, execution: &exec))
        try exec.input(depthwiseBias, exec.readOnly(depthwise.bias?.scalars ?? zeros))
        var out = uninitializedScalars(destination.userBytes / MemoryLayout<Float>.stride)
        try out.withUnsafeMutableBytes { o in
            try exec.output(destination, o.baseAddress!)
            try exec.execute(primitive)
        }
        exec.recorder?.retain(out)
        return Tensor(uncheckedShape: ActivationLayout.blocked16.physicalShape(outputShape), scalars: out)
    }
}
