@testable import AviaryTensor
import Testing

/// Channels-last training: the oneDNN convolution passes and the fused Swift batch norm against
/// their definitions by parts on the Swift reference, the autograd ops by finite differences, and
/// a chain that mixes layouts against the same chain in NCHW.
@Suite struct ChannelsLastTrainingTests {
    /// Also a 1×1 convolution with bias and wider channels (the sgemm path) and a strided 5×5
    /// depthwise one (the Swift weight gradient).
    static let cases = ConvCase.all + [
        ConvCase(name: "1x1 with bias", input: [2, 20, 5, 3], weight: [17, 20, 1, 1], options: Conv2DOptions()),
        ConvCase(name: "depthwise 5x5 stride 2 SAME", input: [3, 24, 9, 8], weight: [24, 1, 5, 5], options: Conv2DOptions(strideH: 2, strideW: 2, padding: .same, groups: 24), bias: false),
        // Windows wider than the map (taps that see only padding), 40 channels (two vectors and a rest).
        ConvCase(name: "depthwise 5x5 over a 2x3 map", input: [2, 40, 2, 3], weight: [40, 1, 5, 5], options: Conv2DOptions(padding: 2, groups: 40)),
        // 4 × 20 output rows: enough for the weight gradient's sums to split across threads.
        ConvCase(name: "depthwise 5x5 over 80 rows", input: [4, 16, 20, 20], weight: [16, 1, 5, 5], options: Conv2DOptions(padding: 2, groups: 16)),
        ConvCase(name: "depthwise 7x7 stride 3 dilated", input: [2, 33, 11, 10], weight: [33, 1, 7, 7], options: Conv2DOptions(strideH: 3, strideW: 3, padding: .symmetric(4, 5), dilationH: 2, dilationW: 2, groups: 33)),
    ]

    @Test(arguments: cases)
    func convolutionPassesMatchReference(_ c: ConvCase) throws {
        let x = randomTensor(c.input, seed: 61), w = randomTensor(c.weight, seed: 62, scale: 0.5)
        let b = c.bias ? randomTensor([c.weight[0]], seed: 63) : nil
        let g = try c.options.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let dy = randomTensor([c.input[0], g.outputH, g.outputW, c.weight[0]], seed: 64)
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        for channelsLast in [false, true] {
            let input = channelsLast ? try x.nchwToNHWC() : x
            let y = try fast.conv2dTrainingChannelsLast(input: input, inputChannelsLast: channelsLast, weight: w, bias: b, geometry: g)
            let ry = try slow.conv2dTrainingChannelsLast(input: input, inputChannelsLast: channelsLast, weight: w, bias: b, geometry: g)
            #expect(y.shape == dy.shape && y.isClose(to: ry, atol: 1e-4, rtol: 1e-4), "\(c) NHWC input \(channelsLast)")
            let grads = try fast.conv2dTrainingChannelsLastBackward(gradOutput: dy, input: input, inputChannelsLast: channelsLast, weight: w, geometry: g, needInput: true, needWeights: true, needBias: true)
            let ref = try slow.conv2dTrainingChannelsLastBackward(gradOutput: dy, input: input, inputChannelsLast: channelsLast, weight: w, geometry: g, needInput: true, needWeights: true, needBias: true)
            #expect(try #require(grads.input).isClose(to: try #require(ref.input), atol: 1e-4, rtol: 1e-4), "\(c) input gradient")
            #expect(try #require(grads.weight).isClose(to: try #require(ref.weight), atol: 1e-3, rtol: 1e-4), "\(c) weight gradient")
            #expect(try #require(grads.bias).isClose(to: try #require(ref.bias), atol: 1e-3, rtol: 1e-4), "\(c) bias gradient")
            let dataOnly = try fast.conv2dTrainingChannelsLastBackward(gradOutput: dy, input: input, inputChannelsLast: channelsLast, weight: w, geometry: g, needInput: true, needWeights: false, needBias: false)
            #expect(dataOnly.weight == nil && dataOnly.input == grads.input)
            // Without a bias to train, no bias gradient is computed; the weight gradient is the same.
            let noBias = try fast.conv2dTrainingChannelsLastBackward(gradOutput: dy, input: input, inputChannelsLast: channelsLast, weight: w, geometry: g, needInput: false, needWeights: true, needBias: false)
            #expect(noBias.bias == nil && noBias.input == nil)
            #expect(try #require(noBias.weight).isClose(to: try #require(grads.weight), atol: 1e-5, rtol: 1e-5), "\(c) weight gradient without bias")
        }
    }

    /// Channel counts below, at and off the vector width; rows (pixels) above one block per thread.
    @Test(arguments: [[2, 5, 3, 3], [2, 16, 9, 9], [4, 24, 7, 5], [2, 40, 12, 12]])
    func fusedBatchNormMatchesReference(shape: [Int]) throws {
        let nhwc = [shape[0], shape[2], shape[3], shape[1]], c = shape[1]
        // An offset mean checks that the variance and gradient are taken around the mean.
        let x = try Tensor(shape: nhwc, scalars: randomTensor(nhwc, seed: 71).scalars.map { 3 + 2 * $0 })
        let gamma = randomTensor([c], seed: 72), beta = randomTensor([c], seed: 73), dy = randomTensor(nhwc, seed: 74)
        let residual = randomTensor(nhwc, seed: 75)
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        for activation in [nil, Activation.relu, .relu6] {
            for r in [nil, residual] {
                let (y, mean, variance) = try fast.batchNormActivationChannelsLast(input: x, gamma: gamma, beta: beta, residual: r, activation: activation, epsilon: 1e-3)
                let (ry, rmean, rvariance) = try slow.batchNormActivationChannelsLast(input: x, gamma: gamma, beta: beta, residual: r, activation: activation, epsilon: 1e-3)
                let label = "\(shape) \(String(describing: activation)) residual \(r != nil)"
                #expect(y.isClose(to: ry, atol: 1e-4, rtol: 1e-4), "\(label): \(y.maxAbsDifference(ry))")
                #expect(try Tensor(shape: [c], scalars: mean).isClose(to: Tensor(shape: [c], scalars: rmean), atol: 1e-5, rtol: 1e-5))
                #expect(try Tensor(shape: [c], scalars: variance).isClose(to: Tensor(shape: [c], scalars: rvariance), atol: 1e-5, rtol: 1e-4))
                let g = try fast.batchNormActivationChannelsLastBackward(gradOutput: dy, input: x, output: ry, gamma: gamma, beta: nil, mean: rmean, variance: rvariance, activation: activation, epsilon: 1e-3, needResidual: r != nil)
                let rg = try slow.batchNormActivationChannelsLastBackward(gradOutput: dy, input: x, output: ry, gamma: gamma, beta: nil, mean: rmean, variance: rvariance, activation: activation, epsilon: 1e-3, needResidual: r != nil)
                if r == nil {
                    // Without a residual the mask may come from the input instead of the output:
                    // recomputed as the forward pass computed it, so the gradients agree bit for bit.
                    let fromOutput = try fast.batchNormActivationChannelsLastBackward(gradOutput: dy, input: x, output: y, gamma: gamma, beta: nil, mean: mean, variance: variance, activation: activation, epsilon: 1e-3, needResidual: false)
                    let fromInput = try fast.batchNormActivationChannelsLastBackward(gradOutput: dy, input: x, output: Tensor(zeros: nhwc), gamma: gamma, beta: beta, mean: mean, variance: variance, activation: activation, epsilon: 1e-3, needResidual: false)
                    #expect(fromInput.input == fromOutput.input && fromInput.gamma == fromOutput.gamma && fromInput.beta == fromOutput.beta, "\(label)")
                }
                #expect(g.input.isClose(to: rg.input, atol: 1e-4, rtol: 1e-3), "\(label): \(g.input.maxAbsDifference(rg.input))")
                #expect(g.gamma.isClose(to: rg.gamma, atol: 1e-3, rtol: 1e-4), "\(label)")
                #expect(g.beta.isClose(to: rg.beta, atol: 1e-3, rtol: 1e-4), "\(label)")
                #expect(g.residual == rg.residual, "\(label)")  // the masked gradient: exact
            }
        }
    }

    /// The one-pass statistics (sums around a per-channel shift) against the reference's two
    /// passes where E[x²] − E[x]² would cancel: a mean 2,000 standard deviations from zero.
    @Test func statisticsHoldFarFromZero() throws {
        let nhwc = [4, 9, 9, 24], c = 24
        let x = try Tensor(shape: nhwc, scalars: randomTensor(nhwc, seed: 76).scalars.map { 1000 + 0.5 * $0 })
        let gamma = randomTensor([c], seed: 77), beta = randomTensor([c], seed: 78)
        let (y, mean, variance) = try DNNLKernels.shared.batchNormActivationChannelsLast(input: x, gamma: gamma, beta: beta, residual: nil, activation: nil, epsilon: 1e-5)
        let (ry, rmean, rvariance) = try ReferenceKernels().batchNormActivationChannelsLast(input: x, gamma: gamma, beta: beta, residual: nil, activation: nil, epsilon: 1e-5)
        #expect(try Tensor(shape: [c], scalars: mean).isClose(to: Tensor(shape: [c], scalars: rmean), atol: 0, rtol: 1e-6))
        #expect(try Tensor(shape: [c], scalars: variance).isClose(to: Tensor(shape: [c], scalars: rvariance), atol: 0, rtol: 1e-3))
        #expect(y.isClose(to: ry, atol: 2e-3, rtol: 0), "\(y.maxAbsDifference(ry))")
    }

    @Test(arguments: ConvCase.all)
    func convolutionGradientsMatchFiniteDifferences(_ c: ConvCase) throws {
        var inputs = [randomTensor(c.input, seed: 1), randomTensor(c.weight, seed: 2, scale: 0.5)]
        if c.bias { inputs.append(randomTensor([c.weight[0]], seed: 3)) }
        try checkGradients(inputs) { v in
            // Twice, so the second convolution reads a channels-last input and hands its gradient back channels-last.
            let y = try v[0].conv2dChannelsLast(weight: v[1], bias: c.bias ? v[2] : nil, options: c.options)
            guard y.shape == v[0].shape else { return y }
            return try y.conv2dChannelsLast(weight: v[1], bias: c.bias ? v[2] : nil, options: c.options)
        }
    }

    @Test(arguments: [nil, Activation.relu, .relu6])
    func batchNormActivationGradientsMatchFiniteDifferences(_ activation: Activation?) throws {
        let shape = [3, 4, 3, 2]
        // Values away from the kinks, so that finite differences do not straddle one.
        let inputs = [randomTensor(shape, seed: 81), randomTensor([4], seed: 82), randomTensor([4], seed: 83), randomTensor(shape, seed: 84, scale: 0.5)]
        try checkGradients(inputs) { v in
            var mean = Tensor(zeros: [4]), variance = Tensor(shape: [4], repeating: 1)
            let x = try v[0].conv2dChannelsLast(weight: Variable(Tensor(shape: [4, 4, 1, 1], scalars: (0..<16).map { $0 % 5 == 0 ? 1 : 0.1 })))
            return try x.batchNormActivation(gamma: v[1], beta: v[2], runningMean: &mean, runningVar: &variance, residual: v[3], activation: activation)
        }
    }

    /// conv → BN → ReLU → conv → BN + shortcut → ReLU → pool, where the shortcut is a
    /// channels-last result also read as NCHW by another op: the same loss and gradients as the
    /// chain in NCHW, on oneDNN.
    @Test func mixedLayoutChainMatchesNCHW() throws {
        try expectLayoutsAgree(input: [4, 3, 8, 8], seed: 91) { chain in
            let h = try chain.block(0, chain.x, residual: nil)
            let side = try (h * h).globalAvgPool2d()  // reads h as NCHW
            let out = try chain.block(1, h, residual: h).globalAvgPool2d()
            return try (out + side).sum()
        }
    }

    /// Max pooling of channels-last data on oneDNN against the reference by parts (NCHW pooling
    /// between two transposes): the same values and the same gradient routing.
    @Test(arguments: [[2, 6, 9, 9], [3, 16, 8, 7]])
    func channelsLastMaxPoolMatchesReference(shape: [Int]) throws {
        let nhwc = [shape[0], shape[2], shape[3], shape[1]]
        let x = randomTensor(nhwc, seed: 81)
        let g = try Conv2DOptions(stride: 2, padding: 1).resolve(op: "test", inputH: shape[2], inputW: shape[3], kernelH: 3, kernelW: 3)
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        let (y, indices) = try fast.maxPoolChannelsLast(input: x, geometry: g)
        let (ry, refIndices) = try slow.maxPoolChannelsLast(input: x, geometry: g)
        #expect(y.shape == [shape[0], g.outputH, g.outputW, shape[1]] && y == ry)
        let dy = randomTensor(y.shape, seed: 82)
        let dx = try fast.maxPoolChannelsLastBackward(gradOutput: dy, indices: indices, inputShape: nhwc, geometry: g)
        let rdx = try slow.maxPoolChannelsLastBackward(gradOutput: dy, indices: refIndices, inputShape: nhwc, geometry: g)
        #expect(dx.shape == nhwc && dx.isClose(to: rdx, atol: 1e-6, rtol: 1e-6))
    }

    /// ResNet's stem: conv → BN → ReLU → max pool → a block whose shortcut is the pooled map, all
    /// channels-last, against the same chain in NCHW.
    @Test func pooledChainMatchesNCHW() throws {
        try expectLayoutsAgree(input: [2, 3, 12, 12], seed: 83) { chain in
            let stem = try chain.block(0, chain.x, residual: nil)
            let pooled = try stem.maxPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1))
            let last = try chain.block(1, pooled, residual: pooled)
            let loss = try last.globalAvgPool2d().sum()
            // Neither pooling read its input's NCHW value (which would convert it).
            #expect((stem.channelsLast != nil) == chain.channelsLast && (last.channelsLast != nil) == chain.channelsLast)
            return loss
        }
    }

    /// Global average pooling of a channels-last input averages it as it lies: the same
    /// numbers as the NCHW path, bit for bit, forward and backward, with no conversion.
    @Test func channelsLastGlobalAveragePoolIsExact() throws {
        let nhwc = randomTensor([3, 5, 7, 19], seed: 95)
        let seed = randomTensor([3, 19, 1, 1], seed: 96)
        let x = Variable(channelsLast: nhwc, parents: [], rule: { _ in [] })
        let cl = try x.globalAvgPool2d()
        #expect(x.channelsLast != nil)
        let plain = Variable(nhwc.channelsLastToNCHW(), requiresGrad: true)
        let reference = try plain.globalAvgPool2d()
        #expect(cl.value == reference.value)
        try reference.backward(seed: seed)
        let gradient = PoolingReference.globalAverageChannelsLastBackward(gradOutput: seed, inputShape: nhwc.shape)
        #expect(gradient.channelsLastToNCHW() == plain.grad!)
    }

    @Test func unfusableActivationIsRefused() throws {
        var mean = Tensor(zeros: [2]), variance = Tensor(shape: [2], repeating: 1)
        let x = Variable(randomTensor([2, 2, 2, 2], seed: 1))
        #expect(throws: TensorError.self) {
            try x.batchNormActivation(gamma: Variable(Tensor(shape: [2], repeating: 1)), beta: Variable(Tensor(zeros: [2])),
                                      runningMean: &mean, runningVar: &variance, activation: .hardSwish)
        }
    }
}

/// Two conv → batch norm (+ residual) → ReLU blocks, 3 → 8 → 8 channels with 3×3 windows and shared
/// γ and β, written as the channels-last training ops or as the NCHW ones.
private final class TwoBlocks {
    let channelsLast: Bool
    let x: Variable, weights: [Variable], gamma: Variable, beta: Variable
    var means = [Tensor(zeros: [8]), Tensor(zeros: [8])], variances = [Tensor(shape: [8], repeating: 1), Tensor(shape: [8], repeating: 1)]

    init(channelsLast: Bool, input: [Int], seed: UInt64) {
        self.channelsLast = channelsLast
        x = Variable(randomTensor(input, seed: seed), requiresGrad: true)
        weights = [Variable(randomTensor([8, 3, 3, 3], seed: seed + 1, scale: 0.3), requiresGrad: true),
                   Variable(randomTensor([8, 8, 3, 3], seed: seed + 2, scale: 0.2), requiresGrad: true)]
        gamma = Variable(randomTensor([8], seed: seed + 3), requiresGrad: true)
        beta = Variable(randomTensor([8], seed: seed + 4), requiresGrad: true)
    }

    func block(_ index: Int, _ input: Variable, residual: Variable?) throws -> Variable {
        let options = Conv2DOptions(stride: 1, padding: 1)
        if channelsLast {
            return try input.conv2dChannelsLast(weight: weights[index], options: options)
                .batchNormActivation(gamma: gamma, beta: beta, runningMean: &means[index], runningVar: &variances[index], residual: residual, activation: .relu)
        }
        var y = try input.conv2d(weight: weights[index], options: options)
            .batchNorm(gamma: gamma, beta: beta, runningMean: &means[index], runningVar: &variances[index], training: true)
        if let residual { y = try y + residual }
        return y.relu()
    }

    /// The gradients of every parameter and the input, then the second block's running statistics.
    var results: [Tensor] { ([x] + weights + [gamma, beta]).map { $0.grad! } + [means[1], variances[1]] }
}

/// `loss` built from a `TwoBlocks` chain in each layout: the same loss, gradients and statistics.
private func expectLayoutsAgree(input: [Int], seed: UInt64, _ loss: (TwoBlocks) throws -> Variable) throws {
    func run(channelsLast: Bool) throws -> (loss: Float, results: [Tensor]) {
        try Variable.$channelsLastTraining.withValue(channelsLast) {
            let chain = TwoBlocks(channelsLast: channelsLast, input: input, seed: seed)
            let value = try loss(chain)
            try value.backward()
            return (value.value.scalars[0], chain.results)
        }
    }
    let nchw = try run(channelsLast: false), cl = try run(channelsLast: true)
    #expect(abs(nchw.loss - cl.loss) <= 1e-4 * abs(nchw.loss))
    for (index, (a, b)) in zip(nchw.results, cl.results).enumerated() {
        #expect(b.isClose(to: a, atol: 1e-4, rtol: 1e-3), "result \(index): \(b.maxAbsDifference(a))")
    }
}
