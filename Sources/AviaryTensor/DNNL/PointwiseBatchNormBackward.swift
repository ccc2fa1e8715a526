import CDNNL
import Foundation

/// The backward pass of a 1×1 convolution → batch norm (→ residual, clamp) in training, a tile of
/// pixel rows at a time: the batch norm's input gradient is computed into a per-thread tile and
/// handed at once to the convolution's backward-data and backward-weights sgemm calls, instead of
/// being written whole and read back twice. The batch norm's first sweep (its per-channel sums)
/// stays a whole-tensor pass.
///
/// It pays where the 1×1 convolution is bound by memory: an expansion from few channels over many
/// pixels. Measured in C (`Benchmarks/oneDNN/pointwise_batchnorm_tiles.c`, two threads): 16 → 96
/// channels at 56×56, batch 32, 10.7 → 8.6 ms; 24 → 144 at 28×28 5.5 → 4.7 ms; even at 144 → 24
/// and worse from 14×14 down (0.87× at 80 → 480, 7×7), where the whole-tensor sgemm is compute-bound
/// and the tiles' one-thread calls are the slower way to do it. Whole training steps on one thread,
/// alternating with it off: EfficientNet-Lite0 b32 1.03× as fast at 112 px and 1.02–1.03× at
/// 224 px, MobileNetV2 b32 224 1.01×; 140–150 MB off their 224 px peaks (the gradient is never
/// held whole).
enum PointwiseBatchNormBackward {
    /// Rows a tile: 512 rows of 240 channels are 480 KB, inside one core's L2.
    static let tileRows = 512
    /// `AVIARY_TILED_BATCH_NORM_BACKWARD=0` keeps the whole-tensor passes (for A/B measurements).
    static let enabled = ProcessInfo.processInfo.environment["AVIARY_TILED_BATCH_NORM_BACKWARD"] != "0"

    /// Expansions (out ≥ 2 × in, in ≤ 48) over at least 16,384 pixel rows: where the measurements
    /// above gained. `rows` counts the pixels of the whole batch.
    static func handles(rows: Int, inputChannels: Int, outputChannels: Int) -> Bool {
        enabled && rows >= 16_384 && inputChannels <= 48 && outputChannels >= 2 * inputChannels
    }

    /// `input` is the convolution's NHWC input [N, H, W, C], `forward.convolution` its NHWC result
    /// [N, H, W, O]; the input gradient comes back NHWC. nil when oneDNN's sgemm refused a call
    /// (the caller then runs the two ops by parts).
    static func run(_ kernels: DNNLKernels, gradOutput: Tensor, forward: ConvBatchNormForward, input: Tensor, weight: Tensor, gamma: Tensor,
                    activation: Activation?, epsilon: Float, needInput: Bool, needWeights: Bool, needBias: Bool, needResidual: Bool) -> ConvBatchNormGradients? {
        let o = weight.shape[0], c = weight.shape[1], rows = input.count / c
        let terms = ChannelsLastBatchNorm.backwardTerms(
            gradOutput: gradOutput.scalars, input: forward.convolution.scalars, output: forward.output.scalars, channels: o, gamma: gamma.scalars,
            beta: forward.maskBeta?.scalars, mean: forward.mean, variance: forward.variance, activation: activation, epsilon: epsilon,
            needResidual: needResidual, blockedPixels: nil)
        let tiles = (rows + tileRows - 1) / tileRows
        let threads = max(1, min(DNNLKernels.threadCount, tiles))
        var inputGradient = needInput ? uninitializedScalars(rows * c) : []
        // Each thread's own weight gradient (summed over its tiles by sgemm with β = 1) and bias sums.
        var weightPartials = [Float](repeating: 0, count: needWeights ? threads * o * c : 0)
        var biasPartials = [Double](repeating: 0, count: needBias ? threads * o : 0)
        var refused = [Bool](repeating: false, count: threads)
        gradOutput.scalars.withUnsafeBufferPointer { gb in forward.convolution.scalars.withUnsafeBufferPointer { xb in
        forward.output.scalars.withUnsafeBufferPointer { yb in input.scalars.withUnsafeBufferPointer { ib in weight.scalars.withUnsafeBufferPointer { wb in
        inputGradient.withUnsafeMutableBufferPointer { db in weightPartials.withUnsafeMutableBufferPointer { pb in biasPartials.withUnsafeMutableBufferPointer { bb in
        refused.withUnsafeMutableBufferPointer { rb in
            nonisolated(unsafe) let dy = gb.baseAddress!, x = xb.baseAddress!, y = yb.baseAddress!, source = ib.baseAddress!, w = wb.baseAddress!
            // An empty array may still hand out an address: write only what was asked for.
            nonisolated(unsafe) let dSource = needInput ? db.baseAddress : nil, partials = needWeights ? pb.baseAddress : nil
            nonisolated(unsafe) let biasSums = needBias ? bb.baseAddress : nil, refusals = rb.baseAddress!
            // Under the kernels' lock like every oneDNN call; inside the parallel region oneDNN's
            // sgemm runs on the calling thread alone.
            kernels.exclusively {
                ParallelRanges.perform(threads) { thread in
                    let tile = UnsafeMutablePointer<Float>.allocate(capacity: tileRows * o)
                    defer { tile.deallocate() }
                    terms.withRowKernel { kernel in
                        for index in (tiles * thread / threads)..<(tiles * (thread + 1) / threads) {
                            let first = index * tileRows, count = min(tileRows, rows - first)
                            kernel.inputGradient(rows: first..<(first + count), gradOutput: dy, input: x, output: y, into: tile)
                            if let dSource, dnnl_sgemm(
                                // dx[rows, C] = g[rows, O] · w[O, C]
                                CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), Int64(count), Int64(c), Int64(o),
                                1, tile, Int64(o), w, Int64(c), 0, dSource + first * c, Int64(c)) != dnnl_success { refusals[thread] = true }
                            if let partials, dnnl_sgemm(
                                // dw[O, C] += g[rows, O]ᵀ · x[rows, C]
                                CChar(UInt8(ascii: "T")), CChar(UInt8(ascii: "N")), Int64(o), Int64(c), Int64(count),
                                1, tile, Int64(o), source + first * c, Int64(c), 1, partials + thread * o * c, Int64(c)) != dnnl_success { refusals[thread] = true }
                            if let biasSums { addColumnSums(tile, rows: count, columns: o, into: biasSums + thread * o) }
                        }
                    }
                }
            }
        } } } } } } } } }
        guard !refused.contains(true) else { return nil }
        var grads = ConvolutionGradients()
        if needInput { grads.input = Tensor(uncheckedShape: input.shape, scalars: inputGradient) }
        if needWeights { grads.weight = Tensor(uncheckedShape: weight.shape, scalars: sumOfParts(weightPartials, parts: threads)) }
        if needBias { grads.bias = Tensor(uncheckedShape: [o], scalars: sumOfParts(biasPartials, parts: threads).map { Float($0) }) }
        return ConvBatchNormGradients(convolution: grads, gamma: Tensor(uncheckedShape: [o], scalars: terms.gamma),
                                      beta: Tensor(uncheckedShape: [o], scalars: terms.beta),
                                      residual: terms.residual.map { Tensor(uncheckedShape: gradOutput.shape, scalars: $0) })
    }

    /// Column sums of a tile, in Float per tile and Float64 across tiles (as `ParallelRanges.columnSums`).
    private static func addColumnSums(_ tile: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Double>) {
        let lanes = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { lanes.deallocate() }
        lanes.initialize(repeating: 0, count: columns)
        for row in 0..<rows {
            let r = tile + row * columns
            for j in 0..<columns { lanes[j] += r[j] }
        }
        for j in 0..<columns { sums[j] += Double(lanes[j]) }
    }

    /// Element-wise sum of `parts` equal slices of `values`.
    private static func sumOfParts<T: FloatingPoint>(_ values: [T], parts: Int) -> [T] {
        let size = values.count / parts
        var total = Array(values[0..<size])
        for part in 1..<parts { for i in 0..<size { total[i] += values[part * size + i] } }
        return total
    }
}
