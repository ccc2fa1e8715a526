@testable import AviaryTensor
import Testing

/// A 1×1 convolution with the depthwise one after it as one oneDNN kernel
/// (`DNNLPointwiseDepthwise`), against the same two convolutions run apart on oneDNN and on the
/// Swift reference: the pairs it fuses, and the ones it must leave as two calls.
@Suite struct PointwiseDepthwiseFusionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Logical [N, C, H, W] of the input, and how it lies.
        let input: [Int], layout: ActivationLayout
        let hidden: Int, kernel: Int
        let depthwise: Conv2DOptions
        let activations: (pointwise: Activation?, depthwise: Activation?)
        let fuses: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // oneDNN fuses with its JIT kernel only where each thread gets enough rows of work: these
        // shapes get it at 1 and 2 threads (smaller ones get `ref_fused_convolution`).
        Case(name: "stride 1, 24 input channels (a padded block), NCHW input", input: [2, 24, 56, 56], layout: .nchw, hidden: 96, kernel: 3,
             depthwise: Conv2DOptions(padding: 1, groups: 96), activations: (.relu6, .relu6), fuses: true),
        Case(name: "stride 2, TensorFlow's SAME on an even map (nothing padded before), NHWC input", input: [2, 16, 56, 56], layout: .nhwc, hidden: 96, kernel: 3,
             depthwise: Conv2DOptions(strideH: 2, strideW: 2, padding: .same, groups: 96), activations: (.relu6, .relu6), fuses: true),
        Case(name: "stride 2, TensorFlow's SAME on an odd map, no activation after the depthwise layer", input: [2, 16, 55, 55], layout: .nchw, hidden: 96, kernel: 3,
             depthwise: Conv2DOptions(strideH: 2, strideW: 2, padding: .same, groups: 96), activations: (.relu, nil), fuses: true),
        Case(name: "stride 2, PyTorch's padding 1, nChw16c input", input: [2, 16, 56, 56], layout: .blocked16, hidden: 96, kernel: 3,
             depthwise: Conv2DOptions(stride: 2, padding: 1, groups: 96), activations: (.relu6, .relu6), fuses: true),
        Case(name: "a 5×5 window (slower fused)", input: [2, 16, 8, 8], layout: .nchw, hidden: 32, kernel: 5,
             depthwise: Conv2DOptions(padding: 2, groups: 32), activations: (.relu6, .relu6), fuses: false),
        Case(name: "a hidden width of 40 (not a multiple of 16)", input: [2, 16, 8, 8], layout: .nchw, hidden: 40, kernel: 3,
             depthwise: Conv2DOptions(padding: 1, groups: 40), activations: (.relu6, .relu6), fuses: false),
        Case(name: "a dilated window", input: [2, 16, 8, 8], layout: .nchw, hidden: 32, kernel: 3,
             depthwise: Conv2DOptions(padding: 2, dilation: 2, groups: 32), activations: (.relu6, .relu6), fuses: false),
        Case(name: "stride 1 without padding (output smaller than the input)", input: [2, 16, 8, 8], layout: .nchw, hidden: 32, kernel: 3,
             depthwise: Conv2DOptions(groups: 32), activations: (.relu6, .relu6), fuses: false),
        Case(name: "fewer than 16 input channels", input: [2, 8, 8, 8], layout: .nchw, hidden: 32, kernel: 3,
             depthwise: Conv2DOptions(padding: 1, groups: 32), activations: (.relu6, .relu6), fuses: false),
    ]

    @Test(arguments: cases)
    func fusedPairMatchesTheTwoConvolutions(_ c: Case) throws {
        let x = randomTensor(c.input, seed: 90)
        let input = x.relaid(c.input, from: .nchw, to: c.layout)
        let pointwiseWeight = randomTensor([c.hidden, c.input[1], 1, 1], seed: 91, scale: 0.4)
        let depthwiseWeight = randomTensor([c.hidden, 1, c.kernel, c.kernel], seed: 92, scale: 0.5)
        let pointwiseGeometry = try Conv2DOptions().resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: 1, kernelW: 1)
        let depthwiseGeometry = try c.depthwise.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: c.kernel, kernelW: c.kernel)
        let pointwise = InferenceConvolution(weight: pointwiseWeight, bias: randomTensor([c.hidden], seed: 93), geometry: pointwiseGeometry, activation: c.activations.pointwise)
        let depthwise = InferenceConvolution(weight: depthwiseWeight, bias: randomTensor([c.hidden], seed: 94), geometry: depthwiseGeometry, activation: c.activations.depthwise)
        let output = [c.input[0], c.hidden, depthwiseGeometry.outputH, depthwiseGeometry.outputW]
        func nchw(_ result: (output: Tensor, layout: ActivationLayout)) -> Tensor { result.output.relaid(output, from: result.layout, to: .nchw) }

        let kernels = DNNLKernels.shared
        // Maps this small would run NHWC, and only pairs that run blocked are fused.
        let (fused, apart) = try DNNLKernels.$blockedFromPixels.withValue(0) {
            #expect(DNNLKernels.fusesPointwiseDepthwise(input: c.input, pointwise: pointwise, depthwise: depthwise) == c.fuses)
            if c.fuses {
                // oneDNN serves it with its JIT kernel, not the two kernels one after the other.
                let key = DNNLPointwiseDepthwise.Key(input: c.input, pointwiseWeight: pointwiseWeight.shape, depthwise: depthwiseGeometry,
                                                     pointwiseActivation: c.activations.pointwise, depthwiseActivation: c.activations.depthwise)
                let primitive = try kernels.pointwiseDepthwise(key)
                if DNNLKernels.threadCount <= 2 {
                    #expect(primitive?.implementation.hasPrefix("jit_1x1") == true, "\(primitive?.implementation ?? "declined")")
                }
            }
            let result = try kernels.pointwiseDepthwiseInference(input: input, layout: c.layout, pointwise: pointwise, depthwise: depthwise)
            #expect(result.layout == .blocked16)
            let apart = try pointwiseDepthwiseInferenceByParts(kernels, input: input, layout: c.layout, pointwise: pointwise, depthwise: depthwise)
            return (nchw(result), nchw(apart))
        }
        let reference = nchw(try ReferenceKernels().pointwiseDepthwiseInference(input: x, layout: .nchw, pointwise: pointwise, depthwise: depthwise))
        #expect(fused.shape == output)
        #expect(fused.isClose(to: apart, atol: 1e-5, rtol: 1e-5), "max diff \(fused.maxAbsDifference(apart)) against oneDNN by parts")
        #expect(fused.isClose(to: reference, atol: 1e-4, rtol: 1e-4), "max diff \(fused.maxAbsDifference(reference)) against the reference")
    }

    /// An expansion whose depthwise layer runs NHWC runs NHWC too, so the hand-over from nChw16c
    /// reorders its narrow input rather than its wide result.
    @Test func expansionBeforeAnNHWCDepthwiseLayerRunsNHWC() throws {
        let input = [2, 16, 16, 16], hidden = 32
        let x = randomTensor(input, seed: 100).relaid(input, from: .nchw, to: .blocked16)
        let pointwiseGeometry = try Conv2DOptions().resolve(op: "test", inputH: 16, inputW: 16, kernelH: 1, kernelW: 1)
        let depthwiseGeometry = try Conv2DOptions(stride: 2, padding: 2, groups: hidden).resolve(op: "test", inputH: 16, inputW: 16, kernelH: 5, kernelW: 5)
        let pointwise = InferenceConvolution(weight: randomTensor([hidden, 16, 1, 1], seed: 101, scale: 0.4), bias: nil, geometry: pointwiseGeometry, activation: .relu6)
        let depthwise = InferenceConvolution(weight: randomTensor([hidden, 1, 5, 5], seed: 102, scale: 0.5), bias: nil, geometry: depthwiseGeometry, activation: .relu6)
        let kernels = DNNLKernels()
        // 512 output pixels for the expansion (blocked on its own), 128 for the depthwise layer (NHWC).
        let result = try DNNLKernels.$blockedFromPixels.withValue(300) {
            #expect(DNNLKernels.infersBlocked(batch: 2, inputChannels: 16, weight: [hidden, 16, 1, 1], geometry: pointwiseGeometry))
            #expect(!DNNLKernels.infersBlocked(batch: 2, inputChannels: hidden, weight: [hidden, 1, 5, 5], geometry: depthwiseGeometry))
            return try kernels.pointwiseDepthwiseInference(input: x, layout: .blocked16, pointwise: pointwise, depthwise: depthwise)
        }
        #expect(result.layout == .nhwc)
        let expansion = { (blocked: Bool) in
            DNNLKernels.ConvolutionKey(input: input, weight: [hidden, 16, 1, 1], geometry: pointwiseGeometry, activation: .relu6, residual: false,
                                       channelsLast: true, blocked16: blocked)
        }
        #expect(kernels.convolutions[expansion(false)] != nil && kernels.convolutions[expansion(true)] == nil)
        let output = [2, hidden, 8, 8]
        let reference = try ReferenceKernels().pointwiseDepthwiseInference(input: x.relaid(input, from: .blocked16, to: .nchw), layout: .nchw,
                                                                           pointwise: pointwise, depthwise: depthwise)
        #expect(result.output.relaid(output, from: .nhwc, to: .nchw).isClose(to: reference.output.relaid(output, from: reference.layout, to: .nchw), atol: 1e-4, rtol: 1e-4))
    }

    /// New weights of the same shape (an optimizer step, a loaded checkpoint) are seen, and the
    /// kernel-layout copies of weights nobody holds any more are let go.
    @Test func newWeightsAreSeenAndOldCopiesReleased() throws {
        let c = PointwiseDepthwiseFusionTests.cases[0]
        let pointwiseGeometry = try Conv2DOptions().resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: 1, kernelW: 1)
        let depthwiseGeometry = try c.depthwise.resolve(op: "test", inputH: c.input[2], inputW: c.input[3], kernelH: 3, kernelW: 3)
        // A shape no other test uses, so the counts below are this test's own.
        let input = randomTensor([3] + c.input.dropFirst(), seed: 95)
        func run(seed: UInt64) throws -> (fused: Tensor, reference: Tensor) {
            let pointwise = InferenceConvolution(weight: randomTensor([c.hidden, c.input[1], 1, 1], seed: seed, scale: 0.4), bias: nil, geometry: pointwiseGeometry, activation: .relu6)
            let depthwise = InferenceConvolution(weight: randomTensor([c.hidden, 1, 3, 3], seed: seed + 1, scale: 0.5), bias: nil, geometry: depthwiseGeometry, activation: .relu6)
            let output = [3, c.hidden, depthwiseGeometry.outputH, depthwiseGeometry.outputW]
            let fused = try DNNLKernels.$blockedFromPixels.withValue(0) {
                try DNNLKernels.shared.pointwiseDepthwiseInference(input: input, layout: .nchw, pointwise: pointwise, depthwise: depthwise)
            }
            let reference = try ReferenceKernels().pointwiseDepthwiseInference(input: input, layout: .nchw, pointwise: pointwise, depthwise: depthwise)
            return (fused.output.relaid(output, from: fused.layout, to: .nchw), reference.output.relaid(output, from: reference.layout, to: .nchw))
        }
        let first = try run(seed: 96), second = try run(seed: 98)
        #expect(!second.fused.isClose(to: first.fused, atol: 1e-3, rtol: 0))
        #expect(second.fused.isClose(to: second.reference, atol: 1e-4, rtol: 1e-4))
        let key = DNNLPointwiseDepthwise.Key(input: [3] + c.input.dropFirst(), pointwiseWeight: [c.hidden, c.input[1], 1, 1], depthwise: depthwiseGeometry,
                                             pointwiseActivation: .relu6, depthwiseActivation: .relu6)
        // Both runs' weights are gone (nothing holds them now), so releasing leaves no copy of this pair's.
        DNNLKernels.shared.releaseUnreferencedWeights()
        if let primitive = try DNNLKernels.shared.pointwiseDepthwise(key) {
            #expect(primitive.preparedPointwise.count == 0 && primitive.preparedDepthwise.count == 0)
        }
    }
}
