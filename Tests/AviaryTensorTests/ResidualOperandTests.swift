@testable import AviaryTensor
import Testing

/// An inference convolution with a residual reads the residual as the operand of a binary
/// post-op where its kernel has one, instead of starting the result as a copy of it (the `sum`
/// post-op); Winograd keeps `sum`. Either way the result is the convolution plus the residual,
/// and the residual is left as it was.
@Suite struct ResidualOperandTests {
    /// A 1×1 projection (brgconv or jit_1x1 on NHWC) and a 3×3 window, each on the NHWC chain,
    /// with and without an activation after the add.
    @Test(arguments: [([2, 24, 7, 7], [40, 24, 1, 1], 0), ([1, 16, 9, 8], [32, 16, 3, 3], 1)])
    func projectionAddsTheResidualAsAnOperand(input: [Int], weight: [Int], padding: Int) throws {
        let kernels = DNNLKernels()
        let x = randomTensor(input, seed: 41), w = randomTensor(weight, seed: 42, scale: 0.5), b = randomTensor([weight[0]], seed: 43)
        let g = try Conv2DOptions(padding: padding).resolve(op: "test", inputH: input[2], inputW: input[3], kernelH: weight[2], kernelW: weight[3])
        let residual = randomTensor([input[0], g.outputH, g.outputW, weight[0]], seed: 44)
        let residualBefore = residual.scalars
        for activation in [nil, Activation.relu6] {
            let y = try kernels.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: b, geometry: g, activation: activation, residual: residual)
            let expected = try ReferenceKernels().conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: b, geometry: g,
                                                                     activation: activation, residual: residual)
            #expect(y.isClose(to: expected, atol: 1e-4, rtol: 1e-4), "\(weight) \(String(describing: activation))")
            #expect(residual.scalars == residualBefore)
            let key = DNNLKernels.ConvolutionKey(input: input, weight: weight, geometry: g, activation: activation, residual: true, channelsLast: true)
            let conv = try #require(kernels.convolutions[key])
            #expect(conv.addsResidualOperand, "\(weight): \(conv.implementation) took the sum post-op")
        }
    }

    /// A blocked (nChw16c) result whose residual lies NHWC: the residual is reordered into a
    /// temporary operand, and the caller's array is not touched.
    @Test func blockedResultReadsAnNHWCResidual() throws {
        let input = [2, 32, 20, 20], weight = [48, 32, 1, 1]
        let x = randomTensor(input, seed: 51), w = randomTensor(weight, seed: 52, scale: 0.5)
        let g = try Conv2DOptions().resolve(op: "test", inputH: 20, inputW: 20, kernelH: 1, kernelW: 1)
        let residualNHWC = randomTensor([2, 20, 20, 48], seed: 53)
        let residualBefore = residualNHWC.scalars
        let kernels = DNNLKernels()
        let (y, layout) = try DNNLKernels.$blockedFromPixels.withValue(1) {
            try kernels.conv2dInference(input: x, layout: .nchw, weight: w, bias: nil, geometry: g, activation: .relu, residual: (residualNHWC, .nhwc))
        }
        #expect(layout == .blocked16)
        let expected = try ReferenceKernels().conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: nil, geometry: g,
                                                                 activation: .relu, residual: residualNHWC)
        #expect(y.relaid([2, 48, 20, 20], from: .blocked16, to: .nhwc).isClose(to: expected, atol: 1e-4, rtol: 1e-4))
        #expect(residualNHWC.scalars == residualBefore)
        let key = DNNLKernels.ConvolutionKey(input: input, weight: weight, geometry: g, activation: .relu, residual: true, channelsLast: true, blocked16: true)
        #expect(try #require(kernels.convolutions[key]).addsResidualOperand)
    }

    /// oneDNN 2.6's Winograd kernel has no binary post-op: it keeps Winograd and the `sum` post-op
    /// rather than giving up Winograd for the operand.
    @Test func winogradKeepsTheSumPostOp() throws {
        let kernels = DNNLKernels()
        let input = [1, 64, 8, 8], weight = [64, 64, 3, 3]
        let g = try Conv2DOptions(padding: 1).resolve(op: "test", inputH: 8, inputW: 8, kernelH: 3, kernelW: 3)
        let residual = randomTensor([1, 8, 8, 64], seed: 61)
        _ = try kernels.conv2dChannelsLast(input: randomTensor(input, seed: 62), inputChannelsLast: false, weight: randomTensor(weight, seed: 63),
                                           bias: nil, geometry: g, activation: .relu, residual: residual)
        let key = DNNLKernels.ConvolutionKey(input: input, weight: weight, geometry: g, activation: .relu, residual: true, channelsLast: true)
        let conv = try #require(kernels.convolutions[key])
        #expect(conv.implementation.contains("wino") && !conv.addsResidualOperand, "\(conv.implementation)")
    }
}
