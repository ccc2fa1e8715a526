import AviaryTensor
import Testing

/// The channels-last inference convolution (NHWC activations between layers, residual add and
/// activation as oneDNN post-ops, weights kept in the kernel's layout between calls) against its
/// definition by parts on the Swift reference.
@Suite struct ChannelsLastInferenceTests {
    @Test(arguments: ConvCase.all)
    func oneDNNMatchesReferenceWithResidualAndActivation(_ c: ConvCase) throws {
        let x = randomTensor(c.input, seed: 11), w = randomTensor(c.weight, seed: 12, scale: 0.5)
        let b = c.bias ? randomTensor([c.weight[0]], seed: 13) : nil
        let g = try c.options.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let outNHWC = [c.input[0], g.outputH, g.outputW, c.weight[0]]
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        for (activation, residual) in [(nil, nil), (Activation.relu, nil), (.relu6, randomTensor(outNHWC, seed: 14)), (nil, randomTensor(outNHWC, seed: 15))] {
            let expected = try slow.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: b, geometry: g, activation: activation, residual: residual)
            #expect(expected.shape == outNHWC)
            for channelsLast in [false, true] {
                let input = channelsLast ? try x.nchwToNHWC() : x
                let y = try fast.conv2dChannelsLast(input: input, inputChannelsLast: channelsLast, weight: w, bias: b, geometry: g, activation: activation, residual: residual)
                #expect(y.isClose(to: expected, atol: 1e-4, rtol: 1e-4), "\(c) \(String(describing: activation)) residual \(residual != nil) NHWC input \(channelsLast)")
            }
        }
    }

    /// Weights are cached in the kernel's layout by the storage of their array: changed weights,
    /// even of the same shape and in the same array variable, must be seen.
    @Test func changedWeightsAreNotServedFromTheCache() throws {
        let c = ConvCase.all[0]
        let x = randomTensor(c.input, seed: 21)
        var w = randomTensor(c.weight, seed: 22, scale: 0.5)
        let g = try c.options.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        for step in 0..<3 {
            let y = try fast.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: nil, geometry: g, activation: nil, residual: nil)
            let expected = try slow.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: nil, geometry: g, activation: nil, residual: nil)
            #expect(y.isClose(to: expected, atol: 1e-4, rtol: 1e-4), "step \(step)")
            for i in 0..<w.count { w.scalars[i] *= -0.5 }  // in place, as an optimizer step does
        }
    }

    @Test func aChannelsLastResultReadsAsNCHW() throws {
        let c = ConvCase.all[0]
        let x = Variable(randomTensor(c.input, seed: 31)), w = randomTensor(c.weight, seed: 32, scale: 0.5)
        let w2 = randomTensor([4, 4, 3, 3], seed: 33, scale: 0.5)
        let (y, z) = try GradientMode.withoutGradients {
            let y = try x.conv2dInference(weight: w, bias: nil, options: c.options, activation: .relu)
            // The second convolution reads y's NHWC form directly (y.value is not read yet).
            return (y, try y.conv2dInference(weight: w2, bias: nil, options: c.options, activation: nil, residual: y))
        }
        #expect(y.shape == [2, 4, 6, 6] && z.shape == [2, 4, 6, 6])
        let g = try c.options.resolve(op: "test", inputH: 6, inputW: 6, kernelH: 3, kernelW: 3)
        let expected = Activation.relu.forward(Conv2DReference.forward(input: x.value, weight: w, bias: nil, geometry: g))
        let expected2 = try Broadcasting.apply(Conv2DReference.forward(input: expected, weight: w2, bias: nil, geometry: g), expected, op: "t", +)
        #expect(z.value.isClose(to: expected2, atol: 1e-4, rtol: 1e-4))
        #expect(y.value.isClose(to: expected, atol: 1e-4, rtol: 1e-4))
    }
}
