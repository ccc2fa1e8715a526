import AviaryTensor
import Testing

struct ConvCase: Sendable, CustomStringConvertible {
    var name: String
    var input: [Int]
    var weight: [Int]
    var options: Conv2DOptions
    var bias = true
    var description: String { name }

    static let all: [ConvCase] = [
        ConvCase(name: "3x3 stride 1 pad 1", input: [2, 3, 6, 6], weight: [4, 3, 3, 3], options: Conv2DOptions(stride: 1, padding: 1)),
        ConvCase(name: "stride 2 asymmetric pads", input: [2, 3, 7, 6], weight: [4, 3, 3, 3],
                 options: Conv2DOptions(strideH: 2, strideW: 2, padding: .explicit(top: 0, left: 1, bottom: 1, right: 2))),
        ConvCase(name: "TF SAME stride 2", input: [1, 2, 6, 7], weight: [3, 2, 3, 3], options: Conv2DOptions(strideH: 2, strideW: 2, padding: .same)),
        ConvCase(name: "dilation 2", input: [1, 2, 7, 7], weight: [2, 2, 3, 3], options: Conv2DOptions(stride: 1, padding: 2, dilation: 2)),
        ConvCase(name: "groups 2", input: [2, 4, 5, 5], weight: [6, 2, 3, 3], options: Conv2DOptions(stride: 1, padding: 1, groups: 2)),
        ConvCase(name: "depthwise stride 2", input: [2, 4, 6, 6], weight: [4, 1, 3, 3], options: Conv2DOptions(stride: 2, padding: 1, groups: 4), bias: false),
        // oneDNN serves its weight gradient on NHWC (its default pick is GEMM-based).
        ConvCase(name: "depthwise 5x5", input: [2, 32, 7, 7], weight: [32, 1, 5, 5], options: Conv2DOptions(stride: 1, padding: 2, groups: 32), bias: false),
        ConvCase(name: "1x1 no bias", input: [2, 5, 4, 4], weight: [3, 5, 1, 1], options: Conv2DOptions(), bias: false),
    ]
}

@Suite struct Conv2DTests {
    @Test(arguments: ConvCase.all)
    func gradientsMatchFiniteDifferences(_ c: ConvCase) throws {
        var inputs = [randomTensor(c.input, seed: 1), randomTensor(c.weight, seed: 2, scale: 0.5)]
        if c.bias { inputs.append(randomTensor([c.weight[0]], seed: 3)) }
        try checkGradients(inputs) { v in
            try v[0].conv2d(weight: v[1], bias: c.bias ? v[2] : nil, options: c.options)
        }
    }

    @Test(arguments: ConvCase.all)
    func oneDNNMatchesReference(_ c: ConvCase) throws {
        let x = randomTensor(c.input, seed: 4), w = randomTensor(c.weight, seed: 5, scale: 0.5)
        let b = c.bias ? randomTensor([c.weight[0]], seed: 6) : nil
        let g = try c.options.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        let y = try fast.conv2dForward(input: x, weight: w, bias: b, geometry: g)
        #expect(y.isClose(to: try slow.conv2dForward(input: x, weight: w, bias: b, geometry: g), atol: 1e-4, rtol: 1e-4))
        let dy = randomTensor(y.shape, seed: 7)
        let dx = try fast.conv2dBackwardData(gradOutput: dy, weight: w, inputShape: c.input, geometry: g)
        #expect(dx.isClose(to: try slow.conv2dBackwardData(gradOutput: dy, weight: w, inputShape: c.input, geometry: g), atol: 1e-4, rtol: 1e-4))
        let (dw, db) = try fast.conv2dBackwardWeights(input: x, gradOutput: dy, weightShape: c.weight, geometry: g)
        let (rw, rb) = try slow.conv2dBackwardWeights(input: x, gradOutput: dy, weightShape: c.weight, geometry: g)
        #expect(dw.isClose(to: rw, atol: 1e-3, rtol: 1e-4))
        #expect(db.isClose(to: rb, atol: 1e-3, rtol: 1e-4))
    }

    @Test(arguments: [Activation.relu, .relu6, .hardSwish, .hardSigmoid, .sigmoid, .silu])
    func fusedConvolutionEqualsConvolutionThenActivation(_ activation: Activation) throws {
        let c = ConvCase.all[1]
        let x = randomTensor(c.input, seed: 43), w = randomTensor(c.weight, seed: 44, scale: 0.5), b = randomTensor([c.weight[0]], seed: 45)
        let g = try c.options.resolve(op: "t", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
        let fused = try DNNLKernels.shared.conv2dForward(input: x, weight: w, bias: b, geometry: g, activation: activation)
        let plain = activation.forward(Conv2DReference.forward(input: x, weight: w, bias: b, geometry: g))
        #expect(fused.isClose(to: plain, atol: 1e-4, rtol: 1e-4))
    }

    @Test func tensorFlowSamePadsPutTheExtraPixelLast() throws {
        let odd = try Conv2DOptions(strideH: 2, strideW: 2, padding: .same).resolve(op: "t", inputH: 5, inputW: 6, kernelH: 3, kernelW: 3)
        #expect([odd.outputH, odd.outputW] == [3, 3])
        #expect([odd.padTop, odd.padBottom, odd.padLeft, odd.padRight] == [1, 1, 0, 1])
        let stride1 = try Conv2DOptions(strideH: 1, strideW: 1, padding: .same).resolve(op: "t", inputH: 4, inputW: 4, kernelH: 4, kernelW: 4)
        #expect([stride1.padTop, stride1.padBottom, stride1.outputH] == [1, 2, 4])
    }

    @Test func knownValues() throws {
        // 1×1×3×3 input of 1…9 with a 2×2 kernel of ones, no padding: sums of each 2×2 window.
        let x = Variable(try Tensor(shape: [1, 1, 3, 3], scalars: (1...9).map(Float.init)))
        let w = Variable(Tensor(shape: [1, 1, 2, 2], repeating: 1))
        let y = try Engine.$kernels.withValue(ReferenceKernels()) { try x.conv2d(weight: w) }
        #expect(y.value.scalars == [12, 16, 24, 28])
    }

    @Test func badShapesThrowWithAHint() {
        let x = Variable(Tensor(zeros: [1, 3, 4, 4])), w = Variable(Tensor(zeros: [2, 2, 3, 3]))
        #expect(throws: TensorError.self) { try x.conv2d(weight: w) }
        let tiny = Variable(Tensor(zeros: [1, 2, 2, 2]))
        #expect(throws: TensorError.self) { try tiny.conv2d(weight: w) }
        #expect(throws: TensorError.self) { try x.conv2d(weight: Variable(Tensor(zeros: [2, 3, 3, 3])), options: Conv2DOptions(stride: 0)) }
    }

    @Test func oneDNNDoesNotFallBackOnTheseShapes() throws {
        for c in ConvCase.all {
            let x = randomTensor(c.input, seed: 4), w = randomTensor(c.weight, seed: 5)
            let g = try c.options.resolve(op: "t", inputH: c.input[2], inputW: c.input[3], kernelH: c.weight[2], kernelW: c.weight[3])
            _ = try DNNLKernels.shared.conv2dForward(input: x, weight: w, bias: nil, geometry: g)
        }
        // Reported, not asserted empty: which shapes oneDNN serves only with "ref" depends on the CPU.
        for refusal in DNNLKernels.shared.refusals { print(refusal) }
    }
}
