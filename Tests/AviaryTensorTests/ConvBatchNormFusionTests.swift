@testable import AviaryTensor
import Testing

/// conv → batch norm (+ residual, + clamp) as one training op: oneDNN's form, which keeps a dense
/// convolution's result in its blocked layout, against the same two ops run one after the other,
/// on oneDNN (same arithmetic: equal to rounding) and on the Swift reference.
@Suite struct ConvBatchNormFusionTests {
    static let cases = [
        ConvCase(name: "3x3 NHWC input, 32 out (blocked)", input: [2, 16, 9, 9], weight: [32, 16, 3, 3], options: Conv2DOptions(stride: 1, padding: 1), bias: false),
        ConvCase(name: "3x3 stride 2, 48 out (blocked)", input: [3, 16, 10, 11], weight: [48, 16, 3, 3], options: Conv2DOptions(stride: 2, padding: 1)),
        ConvCase(name: "7x7 stem from NCHW (blocked)", input: [2, 3, 20, 20], weight: [16, 3, 7, 7], options: Conv2DOptions(stride: 2, padding: 3), bias: false),
        ConvCase(name: "3x3, 20 out (not whole blocks: by parts)", input: [2, 16, 6, 6], weight: [20, 16, 3, 3], options: Conv2DOptions(stride: 1, padding: 1)),
        ConvCase(name: "1x1 (sgemm: by parts)", input: [2, 16, 5, 5], weight: [32, 16, 1, 1], options: Conv2DOptions(), bias: false),
    ]

    @Test(arguments: cases)
    func fusedOpMatchesItsParts(_ c: ConvCase) throws {
        let g = try c.options.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let channelsLastInput = c.input[1] > 3
        let x = randomTensor(c.input, seed: 101), input = channelsLastInput ? x.nchwToChannelsLast() : x
        let w = randomTensor(c.weight, seed: 102, scale: 0.3), b = c.bias ? randomTensor([c.weight[0]], seed: 103) : nil
        let o = c.weight[0], outShape = [c.input[0], g.outputH, g.outputW, o]
        let gamma = randomTensor([o], seed: 104), beta = randomTensor([o], seed: 105)
        let residual = randomTensor(outShape, seed: 106), dy = randomTensor(outShape, seed: 107)
        let dnnl = DNNLKernels.shared, reference = ReferenceKernels()
        let blocked = c.name.hasSuffix("(blocked)")
        for activation in [nil, Activation.relu] {
            for r in [nil, residual] {
                let label = "\(c) \(String(describing: activation)) residual \(r != nil)"
                let fused = try dnnl.convBatchNormActivationChannelsLast(input: input, inputLayout: channelsLastInput ? .nhwc : .nchw, weight: w, bias: b, geometry: g,
                                                                          gamma: gamma, beta: beta, residual: r, activation: activation, epsilon: 1e-5, blockedOutput: false)
                #expect((fused.blockedPixels != nil) == blocked, "\(label): blocked path taken")
                for (kernels, tolerance) in [(dnnl as any Kernels, Float(1e-5)), (reference, 1e-3)] {
                    let parts = try convBatchNormByParts(kernels, input: input, inputChannelsLast: channelsLastInput, weight: w, bias: b, geometry: g,
                                                         gamma: gamma, beta: beta, residual: r, activation: activation, epsilon: 1e-5)
                    #expect(fused.output.shape == outShape && fused.output.isClose(to: parts.output, atol: tolerance, rtol: tolerance), "\(label) vs \(kernels.name): \(fused.output.maxAbsDifference(parts.output))")
                    #expect(try Tensor(shape: [o], scalars: fused.variance).isClose(to: Tensor(shape: [o], scalars: parts.variance), atol: tolerance, rtol: tolerance), "\(label)")
                    let grads = try dnnl.convBatchNormActivationChannelsLastBackward(
                        gradOutput: dy, forward: fused, input: input, inputLayout: channelsLastInput ? .nhwc : .nchw, weight: w, geometry: g, gamma: gamma,
                        activation: activation, epsilon: 1e-5, needInput: true, needWeights: true, needBias: true, needResidual: r != nil)
                    let expected = try convBatchNormBackwardByParts(
                        kernels, gradOutput: dy, forward: parts, input: input, inputChannelsLast: channelsLastInput, weight: w, geometry: g, gamma: gamma,
                        activation: activation, epsilon: 1e-5, needInput: true, needWeights: true, needBias: true, needResidual: r != nil)
                    let gradientTolerance = 10 * tolerance
                    #expect(try #require(grads.convolution.input).isClose(to: try #require(expected.convolution.input), atol: gradientTolerance, rtol: gradientTolerance), "\(label) input gradient")
                    #expect(try #require(grads.convolution.weight).isClose(to: try #require(expected.convolution.weight), atol: gradientTolerance, rtol: gradientTolerance), "\(label) weight gradient")
                    #expect(grads.gamma.isClose(to: expected.gamma, atol: gradientTolerance, rtol: gradientTolerance), "\(label) γ gradient")
                    #expect(grads.beta.isClose(to: expected.beta, atol: gradientTolerance, rtol: gradientTolerance), "\(label) β gradient")
                    if r != nil {
                        #expect(try #require(grads.residual).isClose(to: try #require(expected.residual), atol: gradientTolerance, rtol: gradientTolerance), "\(label) residual gradient")
                    }
                }
            }
        }
    }

    /// The autograd node against the two-node chain it replaces: same output, running statistics
    /// and gradients for every parent (input, weight, γ, β, residual).
    @Test func nodeMatchesTheTwoNodeChain() throws {
        func run(fused: Bool) throws -> (out: Tensor, running: [Tensor], grads: [Tensor]) {
            let x = Variable(randomTensor([2, 16, 8, 8], seed: 111), requiresGrad: true)
            let w = Variable(randomTensor([32, 16, 3, 3], seed: 112, scale: 0.3), requiresGrad: true)
            let gamma = Variable(randomTensor([32], seed: 113), requiresGrad: true), beta = Variable(randomTensor([32], seed: 114), requiresGrad: true)
            let shortcut = Variable(randomTensor([2, 32, 8, 8], seed: 115), requiresGrad: true)
            var mean = Tensor(zeros: [32]), variance = Tensor(shape: [32], repeating: 1)
            let options = Conv2DOptions(stride: 1, padding: 1)
            let y = fused
                ? try x.convBatchNormActivation(weight: w, options: options, gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, residual: shortcut, activation: .relu)
                : try x.conv2dChannelsLast(weight: w, options: options).batchNormActivation(gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, residual: shortcut, activation: .relu)
            try (y * y).sum().backward()
            return (y.value, [mean, variance], [x, w, gamma, beta, shortcut].map { $0.grad! })
        }
        let fused = try run(fused: true), chain = try run(fused: false)
        #expect(fused.out.isClose(to: chain.out, atol: 1e-5, rtol: 1e-5))
        for (a, b) in zip(fused.running, chain.running) { #expect(a.isClose(to: b, atol: 1e-6, rtol: 1e-6)) }
        for (index, (a, b)) in zip(fused.grads, chain.grads).enumerated() {
            #expect(a.isClose(to: b, atol: 1e-4, rtol: 1e-4), "gradient \(index): \(a.maxAbsDifference(b))")
        }
    }

    /// A ResNet block's two conv → batch norm nodes with the first one's result handed over in
    /// nChw16c (`blockedOutput`), against the same nodes with an NHWC hand-over: the same result,
    /// running statistics and gradients for every parent; and the hand-over really is blocked.
    @Test func blockedHandOverMatchesNHWC() throws {
        func run(blocked: Bool) throws -> (out: Tensor, hiddenLayout: ActivationLayout?, running: [Tensor], grads: [Tensor]) {
            let x = Variable(randomTensor([2, 16, 8, 8], seed: 131), requiresGrad: true)
            let w1 = Variable(randomTensor([32, 16, 3, 3], seed: 132, scale: 0.3), requiresGrad: true)
            let w2 = Variable(randomTensor([32, 32, 3, 3], seed: 133, scale: 0.2), requiresGrad: true)
            let g1 = Variable(randomTensor([32], seed: 134), requiresGrad: true), b1 = Variable(randomTensor([32], seed: 135), requiresGrad: true)
            let g2 = Variable(randomTensor([32], seed: 136), requiresGrad: true), b2 = Variable(randomTensor([32], seed: 137), requiresGrad: true)
            let shortcut = Variable(randomTensor([2, 32, 8, 8], seed: 138), requiresGrad: true)
            var m1 = Tensor(zeros: [32]), v1 = Tensor(shape: [32], repeating: 1), m2 = m1, v2 = v1
            let options = Conv2DOptions(stride: 1, padding: 1)
            let hidden = try x.convBatchNormActivation(weight: w1, options: options, gamma: g1, beta: b1, runningMean: &m1, runningVar: &v1,
                                                       activation: .relu, blockedOutput: blocked)
            let layout = hidden.laidOut.layout
            let y = try hidden.convBatchNormActivation(weight: w2, options: options, gamma: g2, beta: b2, runningMean: &m2, runningVar: &v2,
                                                       residual: shortcut, activation: .relu)
            try (y * y).sum().backward()
            return (y.value, layout, [m1, v1, m2, v2], [x, w1, g1, b1, w2, g2, b2, shortcut].map { $0.grad! })
        }
        let blocked = try run(blocked: true), nhwc = try run(blocked: false)
        #expect(blocked.hiddenLayout == .blocked16 && nhwc.hiddenLayout == .nhwc)
        #expect(blocked.out.isClose(to: nhwc.out, atol: 1e-5, rtol: 1e-5))
        for (a, b) in zip(blocked.running, nhwc.running) { #expect(a.isClose(to: b, atol: 1e-6, rtol: 1e-6)) }
        for (index, (a, b)) in zip(blocked.grads, nhwc.grads).enumerated() {
            #expect(a.isClose(to: b, atol: 1e-4, rtol: 1e-4), "gradient \(index): \(a.maxAbsDifference(b))")
        }
        // On the Swift reference (which never blocks) the same chain gives the same values.
        let reference = try Engine.$kernels.withValue(ReferenceKernels()) { try run(blocked: true) }
        #expect(reference.hiddenLayout == .nhwc)
        #expect(reference.out.isClose(to: blocked.out, atol: 1e-3, rtol: 1e-3))
        for (index, (a, b)) in zip(reference.grads, blocked.grads).enumerated() {
            #expect(a.isClose(to: b, atol: 1e-2, rtol: 1e-3), "reference gradient \(index): \(a.maxAbsDifference(b))")
        }
    }

    /// The forward pass keeps the weights it reordered for its kernel, and the backward-data pass
    /// binds them as they are instead of reordering them again: the gradients are bit for bit
    /// those computed from the weights as the caller holds them.
    @Test func backwardDataReadsTheWeightsTheForwardPassKept() throws {
        let (n, c, h, w, o) = (2, 32, 7, 6, 32)
        let options = Conv2DOptions(stride: 1, padding: 1)
        let g = try options.resolve(op: "test", inputH: h, inputW: w, kernelH: 3, kernelW: 3)
        let input = randomTensor([n, c, h, w], seed: 121).nchwToChannelsLast(), weight = randomTensor([o, c, 3, 3], seed: 122, scale: 0.3)
        let gamma = randomTensor([o], seed: 123), beta = randomTensor([o], seed: 124), dy = randomTensor([n, h, w, o], seed: 125)
        let dnnl = DNNLKernels.shared
        var forward = try dnnl.convBatchNormActivationChannelsLast(input: input, inputLayout: .nhwc, weight: weight, bias: nil, geometry: g,
                                                                  gamma: gamma, beta: beta, residual: nil, activation: .relu, epsilon: 1e-5, blockedOutput: false)
        let kept = try #require(forward.keptWeight)
        // The same values in another order (oneDNN's blocked weight layout).
        #expect(kept.count == weight.count && kept != weight.scalars && kept.sorted() == weight.scalars.sorted())

        func backward() throws -> ConvBatchNormGradients {
            try dnnl.convBatchNormActivationChannelsLastBackward(gradOutput: dy, forward: forward, input: input, inputLayout: .nhwc, weight: weight, geometry: g,
                                                                 gamma: gamma, activation: .relu, epsilon: 1e-5, needInput: true, needWeights: true, needBias: true, needResidual: false)
        }
        let reading = try backward()
        forward.keptWeight = nil
        let reordering = try backward()
        #expect(try #require(reading.convolution.input).scalars == #require(reordering.convolution.input).scalars)
        #expect(try #require(reading.convolution.weight).scalars == #require(reordering.convolution.weight).scalars)
    }

    /// The fallback's unblocking (used when a backward primitive is refused) against the nChw16c
    /// index formula: element (n, c, p) sits at ((n·C/16 + c/16)·P + p)·16 + c%16.
    @Test func unblockingFollowsTheBlockedIndexFormula() {
        let (n, c, pixels) = (2, 48, 5)
        var blocked = [Float](repeating: 0, count: n * c * pixels)
        for image in 0..<n { for channel in 0..<c { for pixel in 0..<pixels {
            blocked[((image * (c / 16) + channel / 16) * pixels + pixel) * 16 + channel % 16] = Float(image * 10_000 + channel * 100 + pixel)
        } } }
        let nhwc = ChannelsLastBatchNorm.unblocked(blocked, channels: c, pixels: pixels)
        var mismatches = 0
        for image in 0..<n { for pixel in 0..<pixels { for channel in 0..<c {
            if nhwc[(image * pixels + pixel) * c + channel] != Float(image * 10_000 + channel * 100 + pixel) { mismatches += 1 }
        } } }
        #expect(mismatches == 0)
    }
}
