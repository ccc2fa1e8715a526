import CDNNL
import Foundation

/// oneDNN 2.6 kernels. Primitives are built once per shape and kept (creating one costs far more
/// than running it); each uses the blocked layout oneDNN prefers, with reorders from and to the
/// plain NCHW tensors callers hold. Cases oneDNN can only serve with its reference code fall back
/// to `ReferenceKernels`, with one warning per shape.
///
/// Threads: all cores unless `AVIARY_THREADS` says otherwise; the engine's own Swift loops run on
/// the same OpenMP team (`ParallelRanges.perform`). libgomp's default lets idle workers spin a
/// while before sleeping, which keeps them ready for the next of a pass's many short regions; on a
/// machine whose cores are all busy with other work, spinning workers slowed everything several
/// times: there, run with `OMP_WAIT_POLICY=passive` (the Makefile's tests do).
public final class DNNLKernels: Kernels, @unchecked Sendable {
    public static let shared = DNNLKernels()

    public var name: String { "oneDNN" }
    let engine: dnnl_engine_t?
    let stream: dnnl_stream_t?
    let lock = NSLock()
    /// Temporary buffers reused across calls (used under `lock`). 1 GiB at most: 2 GiB was a little
    /// faster on a ResNet-18 step but lifted peak memory above PyTorch's.
    let pool = DNNLBufferPool(capacity: 1 << 30)
    /// Primitives on plain layouts (batch norm, eltwise, pooling), by a key naming op and shape.
    var plainPrimitives: [String: DNNLPrimitive] = [:]
    var refusedPlainKeys: Set<String> = []
    var convolutions: [ConvolutionKey: DNNLConvolution] = [:]
    var refusedKeys: Set<ConvolutionKey> = []
    /// Fused 1×1 + depthwise inference primitives (`pointwiseDepthwiseInference`), and the pairs oneDNN declined.
    var pointwiseDepthwisePrimitives: [DNNLPointwiseDepthwise.Key: DNNLPointwiseDepthwise] = [:]
    var refusedPointwiseDepthwise: Set<DNNLPointwiseDepthwise.Key> = []
    var refusalLog: [String] = []
    let reference = ReferenceKernels()

    /// Every fallback so far, for tests and logs.
    public var refusals: [String] { lock.withLock { refusalLog } }

    init() {
        _ = AllocatorTuning.applied
        DNNLKernels.adoptThreadCount()
        var engine: dnnl_engine_t?, stream: dnnl_stream_t?
        if dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success, let engine,
           dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success {
            self.engine = engine
            self.stream = stream
        } else {
            self.engine = nil
            self.stream = nil
        }
    }

    /// The thread count oneDNN and the engine's parallel loops use: `AVIARY_THREADS`, else
    /// OpenMP's default (all cores, or `OMP_NUM_THREADS`).
    public static let threadCount: Int = {
        if let text = ProcessInfo.processInfo.environment["AVIARY_THREADS"], let count = Int(text), count > 0 { return count }
        return Int(omp_get_max_threads())
    }()

    /// Makes the calling thread's OpenMP team size `threadCount`. libgomp keeps that setting per
    /// thread (`omp_set_num_threads` from one thread leaves the others at the default), and Swift
    /// tasks call in from any thread of their pool: set once at start-up, `AVIARY_THREADS` held
    /// for that one thread only. oneDNN reads it when it builds a primitive and when it runs one.
    static func adoptThreadCount() {
        if omp_get_max_threads() != Int32(threadCount) { omp_set_num_threads(Int32(threadCount)) }
    }

    /// `body` with exclusive use of the stream and the caches, on `threadCount` threads.
    func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock {
            DNNLKernels.adoptThreadCount()
            return try body()
        }
    }

    struct ConvolutionKey: Hashable {
        var input: [Int], weight: [Int], geometry: Conv2DGeometry
        /// A fused activation (inference-only primitive), or nil for the trainable convolution.
        var activation: Activation? = nil
        /// Inference with NHWC activations, and whether a residual is summed in (post-op).
        var residual = false
        var channelsLast = false
        /// Inference whose result stays in oneDNN's nChw16c (`DNNLKernels.infersBlocked`).
        var blocked16 = false
        /// Training with NHWC activations (`conv2dTrainingChannelsLast`); `input` stays the
        /// logical NCHW shape and `inputChannelsLast` says how the input is held.
        var trainingChannelsLast = false
        var inputChannelsLast = false
        /// Training whose input is held nChw16c (a batch norm wrote it for this convolution); its
        /// input gradient still comes back NHWC.
        var inputBlocked16 = false
    }

    func convolution(_ key: ConvolutionKey) throws -> DNNLConvolution? {
        // A blocked inference layer refused falls back to the NHWC kernel, not to Swift: no warning.
        try primitive(key, in: \.convolutions, refused: \.refusedKeys, warn: !key.blocked16) { try DNNLConvolution(key: key, engine: $0) }
    }

    /// Runs `body` with exclusive use of the stream, or falls back when a backward primitive is refused.
    func run<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try exclusively { try body() }
        } catch let refusal as DNNLRefusal {
            lock.withLock { note(refusal) }
            return nil
        }
    }

    public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor {
        let key = ConvolutionKey(input: input.shape, weight: weight.shape, geometry: geometry)
        guard let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, weight: weight, bias: bias, stream: stream, pool: pool) })
        else { return try reference.conv2dForward(input: input, weight: weight, bias: bias, geometry: geometry) }
        return out
    }

    public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation) throws -> Tensor {
        let key = ConvolutionKey(input: input.shape, weight: weight.shape, geometry: geometry, activation: activation)
        // Without a oneDNN post-op for this activation, still run the convolution on oneDNN.
        guard DNNLKernels.eltwise(activation) != nil, let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, weight: weight, bias: bias, stream: stream, pool: pool) })
        else { return try activationForward(activation, input: conv2dForward(input: input, weight: weight, bias: bias, geometry: geometry)) }
        return out
    }

    public func conv2dChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?, residual: Tensor?) throws -> Tensor {
        let x = input.shape
        let logical = inputChannelsLast && x.count == 4 ? [x[0], x[3], x[1], x[2]] : x
        let key = ConvolutionKey(input: logical, weight: weight.shape, geometry: geometry, activation: activation, residual: residual != nil, channelsLast: true)
        guard DNNLKernels.hasPostOp(for: activation), let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, inputLayout: inputChannelsLast ? .nhwc : .nchw, weight: weight, bias: bias, residual: residual, stream: stream, pool: pool) })
        else {
            return try conv2dChannelsLastByParts(self, input: input, inputChannelsLast: inputChannelsLast, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual)
        }
        return out
    }

    public func conv2dTrainingChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor {
        if inputChannelsLast && PointwiseConvolution.handles(weight: weight.shape, geometry: geometry) {
            return PointwiseConvolution.forward(self, input: input, weight: weight, bias: bias)
        }
        let key = ConvolutionKey(trainingChannelsLast: input.shape, inputChannelsLast: inputChannelsLast, weight: weight.shape, geometry: geometry)
        guard let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, weight: weight, bias: bias, stream: stream, pool: pool) })
        else { return try reference.conv2dTrainingChannelsLast(input: input, inputChannelsLast: inputChannelsLast, weight: weight, bias: bias, geometry: geometry) }
        return out
    }

    public func conv2dTrainingChannelsLastBackward(gradOutput: Tensor, input: Tensor, inputChannelsLast: Bool, weight: Tensor, geometry: Conv2DGeometry, needInput: Bool, needWeights: Bool, needBias: Bool) throws -> ConvolutionGradients {
        if inputChannelsLast && PointwiseConvolution.handles(weight: weight.shape, geometry: geometry) {
            var grads = ConvolutionGradients()
            if needInput { grads.input = PointwiseConvolution.backwardData(self, gradOutput: gradOutput, weight: weight, inputShape: input.shape) }
            if needWeights { (grads.weight, grads.bias) = PointwiseConvolution.backwardWeights(self, input: input, gradOutput: gradOutput, weightShape: weight.shape, needBias: needBias) }
            return grads
        }
        let key = ConvolutionKey(trainingChannelsLast: input.shape, inputChannelsLast: inputChannelsLast, weight: weight.shape, geometry: geometry)
        guard let conv = try convolution(key), let stream,
              let out = try run({ () throws -> ConvolutionGradients in
                  // gradOutput is NHWC, the layout both backward kernels take: no reorder for either.
                  var grads = ConvolutionGradients()
                  if needInput { grads.input = try conv.backwardData(gradOutput: gradOutput, weight: weight, stream: stream, pool: pool) }
                  if needWeights && inputChannelsLast && DepthwiseWeightGradient.handles(weight: weight.shape, geometry: geometry, channels: input.shape[3]) {
                      let (w, b) = DepthwiseWeightGradient.compute(input: input.scalars, gradOutput: gradOutput.scalars, batch: input.shape[0], channels: input.shape[3], geometry: geometry)
                      (grads.weight, grads.bias) = (Tensor(uncheckedShape: weight.shape, scalars: w), needBias ? Tensor(uncheckedShape: [weight.shape[0]], scalars: b) : nil)
                  } else if needWeights {
                      (grads.weight, grads.bias) = try conv.backwardWeights(input: input, gradOutput: gradOutput, needBias: needBias, stream: stream, pool: pool)
                  }
                  return grads
              })
        else {
            return try reference.conv2dTrainingChannelsLastBackward(gradOutput: gradOutput, input: input, inputChannelsLast: inputChannelsLast, weight: weight, geometry: geometry, needInput: needInput, needWeights: needWeights, needBias: needBias)
        }
        return out
    }

    public func conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        let key = ConvolutionKey(input: inputShape, weight: weight.shape, geometry: geometry)
        guard let conv = try convolution(key), let stream,
              let out = try run({ try conv.backwardData(gradOutput: gradOutput, weight: weight, stream: stream, pool: pool) })
        else { return try reference.conv2dBackwardData(gradOutput: gradOutput, weight: weight, inputShape: inputShape, geometry: geometry) }
        return out
    }

    public func conv2dBackwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry: Conv2DGeometry) throws -> (weight: Tensor, bias: Tensor) {
        let key = ConvolutionKey(input: input.shape, weight: weightShape, geometry: geometry)
        guard let conv = try convolution(key), let stream,
              let out = try run({ try conv.backwardWeights(input: input, gradOutput: gradOutput, needBias: true, stream: stream, pool: pool) })
        else { return try reference.conv2dBackwardWeights(input: input, gradOutput: gradOutput, weightShape: weightShape, geometry: geometry) }
        return (out.weight, out.bias!)
    }

    /// Records a refusal and warns once per case; call with the lock held.
    func note(_ refusal: DNNLRefusal) {
        guard !refusalLog.contains(refusal.description) else { return }
        refusalLog.append(refusal.description)
        FileHandle.standardError.write(Data(("warning: " + refusal.description + "\n").utf8))
    }

    /// oneDNN's sgemm (row-major), which dispatches to its JIT GEMM. Serialised with the other
    /// calls: oneDNN's library-managed scratchpad is not safe to share between concurrent calls.
    public func gemm(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        // With beta 0 sgemm writes every element without reading it; only k = 0 leaves zeros to give.
        var c = k > 0 && m > 0 && n > 0 ? uninitializedScalars(m * n) : [Float](repeating: 0, count: m * n)
        guard m > 0, n > 0, k > 0 else { return c }
        let status = exclusively { DNNLCallClock.timing { dnnl_sgemm(
            CChar(UInt8(ascii: transposeA ? "T" : "N")), CChar(UInt8(ascii: transposeB ? "T" : "N")),
            Int64(m), Int64(n), Int64(k), 1, a, Int64(transposeA ? m : k), b, Int64(transposeB ? k : n), 0, &c, Int64(n)) } }
        if status != dnnl_success {
            return reference.gemm(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
        }
        return c
    }
}

extension DNNLKernels.ConvolutionKey {
    init(trainingChannelsLast input: [Int], inputChannelsLast: Bool, weight: [Int], geometry: Conv2DGeometry) {
        self.init(training: input, inputLayout: inputChannelsLast ? .nhwc : .nchw, weight: weight, geometry: geometry)
    }

    /// A training convolution whose input lies as `inputLayout` says.
    init(training input: [Int], inputLayout: ActivationLayout, weight: [Int], geometry: Conv2DGeometry) {
        let logical = inputLayout.logicalShape(input, channels: weight[1] * geometry.groups)
        self.init(input: logical, weight: weight, geometry: geometry, trainingChannelsLast: true,
                  inputChannelsLast: inputLayout == .nhwc, inputBlocked16: inputLayout == .blocked16)
    }
}
