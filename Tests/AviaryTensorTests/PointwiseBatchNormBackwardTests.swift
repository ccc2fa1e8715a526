@testable import AviaryTensor
import Testing

/// The tiled backward pass of a 1×1 convolution → batch norm (`PointwiseBatchNormBackward`)
/// against the two ops' backward passes run whole, one after the other, on the same forward pass.
@Suite struct PointwiseBatchNormBackwardTests {
    /// 2 × 95 × 97 = 18,430 pixel rows: 35 whole tiles of 512 and a last one of 510.
    static let input = [2, 16, 95, 97], weight = [48, 16, 1, 1]

    @Test func expansionsOverManyRowsTakeTheTiledPath() {
        #expect(PointwiseBatchNormBackward.handles(rows: 18_430, inputChannels: 16, outputChannels: 48))
        #expect(PointwiseBatchNormBackward.handles(rows: 100_352, inputChannels: 24, outputChannels: 144))
        #expect(!PointwiseBatchNormBackward.handles(rows: 16_383, inputChannels: 16, outputChannels: 96), "too few rows")
        #expect(!PointwiseBatchNormBackward.handles(rows: 25_088, inputChannels: 144, outputChannels: 24), "a projection")
        #expect(!PointwiseBatchNormBackward.handles(rows: 25_088, inputChannels: 64, outputChannels: 384), "too many input channels")
    }

    @Test(arguments: [nil, Activation.relu6], [false, true])
    func tiledMatchesTheWholeTensorPasses(activation: Activation?, withResidual: Bool) throws {
        let (n, h, w) = (Self.input[0], Self.input[2], Self.input[3]), o = Self.weight[0]
        let g = try Conv2DOptions().resolve(op: "test", inputH: h, inputW: w, kernelH: 1, kernelW: 1)
        let x = randomTensor(Self.input, seed: 201).nchwToChannelsLast()
        let weight = randomTensor(Self.weight, seed: 202, scale: 0.3), bias = randomTensor([o], seed: 203)
        // β pushes some pre-activations past ReLU6's bounds on both sides.
        let gamma = randomTensor([o], seed: 204, scale: 2), beta = randomTensor([o], seed: 205, scale: 3)
        let outShape = [n, h, w, o], residual = withResidual ? randomTensor(outShape, seed: 206) : nil, dy = randomTensor(outShape, seed: 207)
        let dnnl = DNNLKernels.shared
        let forward = try convBatchNormByParts(dnnl, input: x, inputChannelsLast: true, weight: weight, bias: bias, geometry: g, gamma: gamma, beta: beta,
                                               residual: residual, activation: activation, epsilon: 1e-5)
        for (needInput, needWeights, needBias) in [(true, true, true), (false, true, false), (true, false, false)] {
            let label = "\(String(describing: activation)) residual \(withResidual) input \(needInput) weights \(needWeights) bias \(needBias)"
            let tiled = try #require(PointwiseBatchNormBackward.run(
                dnnl, gradOutput: dy, forward: forward, input: x, weight: weight, gamma: gamma, activation: activation, epsilon: 1e-5,
                needInput: needInput, needWeights: needWeights, needBias: needBias, needResidual: withResidual))
            let whole = try convBatchNormBackwardByParts(
                dnnl, gradOutput: dy, forward: forward, input: x, inputChannelsLast: true, weight: weight, geometry: g, gamma: gamma, activation: activation,
                epsilon: 1e-5, needInput: needInput, needWeights: needWeights, needBias: needBias, needResidual: withResidual)
            // Sums over 18,430 rows in another order: rounding in proportion to the largest entry too.
            func same(_ a: Tensor?, _ b: Tensor?, _ what: String, atol: Float = 1e-4) throws {
                let a = try #require(a, "\(label): \(what)"), b = try #require(b, "\(label): \(what)")
                let largest = b.scalars.map(abs).max() ?? 0
                #expect(a.shape == b.shape && a.isClose(to: b, atol: max(atol, 2e-6 * largest), rtol: 1e-4),
                        "\(label): \(what) differs by \(a.maxAbsDifference(b)) (largest \(largest))")
            }
            #expect((tiled.convolution.input != nil) == needInput && (tiled.convolution.weight != nil) == needWeights
                    && (tiled.convolution.bias != nil) == needBias, "\(label): what was asked for")
            if needInput { try same(tiled.convolution.input, whole.convolution.input, "input gradient") }
            if needWeights { try same(tiled.convolution.weight, whole.convolution.weight, "weight gradient") }
            // Column sums of the batch norm's input gradient: zero but for rounding over 18,430 rows.
            if needBias { try same(tiled.convolution.bias, whole.convolution.bias, "bias gradient", atol: 2e-3) }
            try same(tiled.gamma, whole.gamma, "γ gradient")
            try same(tiled.beta, whole.beta, "β gradient")
            #expect((tiled.residual != nil) == withResidual)
            if withResidual { try same(tiled.residual, whole.residual, "residual gradient") }
        }
    }

    /// Through autograd: the conv → batch norm node, which takes the tiled path for this shape,
    /// against the two-node chain; every parent's gradient.
    @Test func nodeMatchesTheTwoNodeChain() throws {
        func run(fused: Bool) throws -> [Tensor] {
            let x = Variable(randomTensor(Self.input, seed: 211), requiresGrad: true)
            let w = Variable(randomTensor(Self.weight, seed: 212, scale: 0.3), requiresGrad: true)
            let gamma = Variable(randomTensor([48], seed: 213), requiresGrad: true), beta = Variable(randomTensor([48], seed: 214), requiresGrad: true)
            var mean = Tensor(zeros: [48]), variance = Tensor(shape: [48], repeating: 1)
            let y = fused
                ? try x.convBatchNormActivation(weight: w, gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, activation: .relu6)
                : try x.conv2dChannelsLast(weight: w).batchNormActivation(gamma: gamma, beta: beta, runningMean: &mean, runningVar: &variance, activation: .relu6)
            try (y * y).sum().backward()
            return [x, w, gamma, beta].map { $0.grad! }
        }
        let fused = try run(fused: true), chain = try run(fused: false)
        for (index, (a, b)) in zip(fused, chain).enumerated() {
            #expect(a.isClose(to: b, atol: 1e-3, rtol: 1e-4), "gradient \(index): \(a.maxAbsDifference(b))")
        }
    }
}
