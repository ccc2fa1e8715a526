@testable import AviaryTensor
import Testing

/// Inference chains that keep oneDNN's nChw16c layout between layers (`ActivationLayout`,
/// `DNNLKernels.infersBlocked`), against the same chain on the Swift reference, which runs NCHW
/// by parts.
@Suite struct BlockedInferenceTests {
    /// nChw16c by its index formula: channel c of pixel p of image n lies at
    /// ((n·⌈C/16⌉ + c/16)·HW + p)·16 + c % 16, and the lanes past C hold zeros.
    @Test(arguments: [1, 16, 24, 40])
    func blockedLayoutFollowsTheIndexFormula(channels: Int) throws {
        let x = randomTensor([2, channels, 3, 5], seed: 41)
        let blocked = x.nchwToBlocked16()
        let blocks = (channels + 15) / 16
        #expect(blocked.shape == [2, blocks, 3, 5, 16])
        var mismatches = 0
        for n in 0..<2 {
            for c in 0..<(blocks * 16) {
                for p in 0..<15 {
                    let expected = c < channels ? x.scalars[(n * channels + c) * 15 + p] : 0
                    if blocked.scalars[((n * blocks + c / 16) * 15 + p) * 16 + c % 16] != expected { mismatches += 1 }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(blocked.blocked16ToNCHW(channels: channels) == x)
        let nhwc = try x.nchwToNHWC()
        #expect(blocked.relaid([2, channels, 3, 5], from: .blocked16, to: .nhwc) == nhwc)
    }

    @Test func layerChoiceFollowsTheMeasuredKernels() throws {
        func blocked(_ input: [Int], _ weight: [Int], stride: Int = 1, groups: Int = 1) throws -> Bool {
            let g = try Conv2DOptions(stride: stride, padding: weight[2] / 2, groups: groups)
                .resolve(op: "test", inputH: input[2], inputW: input[3], kernelH: weight[2], kernelW: weight[3])
            return DNNLKernels.infersBlocked(batch: input[0], inputChannels: input[1], weight: weight, geometry: g)
        }
        // Every size, every batch.
        #expect(try blocked([32, 144, 28, 28], [24, 144, 1, 1]))              // pointwise
        #expect(try blocked([32, 96, 56, 56], [96, 96, 1, 1], stride: 2))     // pointwise, strided (a downsample)
        #expect(try blocked([32, 96, 56, 56], [96, 1, 3, 3], stride: 2, groups: 96))  // depthwise
        #expect(try blocked([32, 32, 28, 28], [32, 32, 3, 3]))                // dense, stride 1
        #expect(try blocked([32, 3, 224, 224], [32, 3, 3, 3], stride: 2))     // a first layer reads the image
        #expect(try blocked([32, 144, 4, 4], [24, 144, 1, 1]))
        #expect(try blocked([1, 480, 14, 14], [480, 1, 3, 3], groups: 480))
        #expect(try blocked([1, 64, 7, 7], [64, 64, 3, 3]))                   // Winograd
        // brgconv on NHWC.
        #expect(try !blocked([32, 64, 112, 112], [128, 64, 3, 3], stride: 2)) // dense strided
        #expect(try !blocked([1, 64, 28, 28], [128, 64, 3, 3], stride: 2))
        #expect(try !blocked([32, 64, 28, 28], [64, 32, 3, 3], groups: 2))    // grouped, not depthwise
        // A threshold (tests set one) puts the smaller maps on NHWC, Winograd excepted.
        let withThreshold = try DNNLKernels.$blockedFromPixels.withValue(25_000) {
            try [blocked([32, 144, 14, 14], [24, 144, 1, 1]), blocked([32, 144, 28, 28], [24, 144, 1, 1]), blocked([1, 64, 7, 7], [64, 64, 3, 3])]
        }
        #expect(withThreshold == [false, true, true])
    }

    /// Every kind of layer a zoo model chains, with channel counts that are not multiples of 16:
    /// a first layer, a depthwise layer, projections, a strided dense layer (NHWC, reordered
    /// from blocked and back), Winograd, residuals in either layout, max and global average pooling.
    @Test func aChainOfMixedLayoutsMatchesTheReference() throws {
        let x = randomTensor([2, 3, 20, 20], seed: 51)
        var weights: [Tensor] = []
        for (i, shape) in [[24, 3, 3, 3], [24, 1, 3, 3], [40, 24, 1, 1], [64, 40, 3, 3], [64, 64, 1, 1], [64, 64, 3, 3], [24, 64, 1, 1]].enumerated() {
            weights.append(randomTensor(shape, seed: 60 + UInt64(i), scale: 0.3))
        }
        let bias = randomTensor([64], seed: 70)
        func chain() throws -> (outputs: [Variable], layouts: [ActivationLayout]) {
            try GradientMode.withoutGradients {
                let stem = try Variable(x).conv2dInference(weight: weights[0], bias: nil, options: Conv2DOptions(strideH: 2, strideW: 2, padding: .same), activation: .relu6)
                let depthwise = try stem.conv2dInference(weight: weights[1], bias: nil, options: Conv2DOptions(padding: 1, groups: 24), activation: .relu6)
                let projection = try depthwise.conv2dInference(weight: weights[2], bias: nil, options: Conv2DOptions(), activation: nil)
                let strided = try projection.conv2dInference(weight: weights[3], bias: bias, options: Conv2DOptions(stride: 2, padding: 1), activation: .relu)
                let pointwise = try strided.conv2dInference(weight: weights[4], bias: nil, options: Conv2DOptions(), activation: .relu, residual: strided)
                let winograd = try pointwise.conv2dInference(weight: weights[5], bias: bias, options: Conv2DOptions(padding: 1), activation: .relu, residual: strided)
                let pooled = try winograd.maxPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1))
                let narrow = try pooled.conv2dInference(weight: weights[6], bias: nil, options: Conv2DOptions(), activation: nil)
                let outputs = [stem, depthwise, projection, strided, pointwise, winograd, pooled, narrow]
                let layouts = outputs.map(\.laidOut.layout)
                return (outputs + [try narrow.globalAvgPool2d()], layouts)
            }
        }
        // Every size runs blocked by default; said here so that the expected layouts stay true
        // whatever the default becomes.
        let fast = try DNNLKernels.$blockedFromPixels.withValue(0) { try chain() }
        let slow = try Engine.$kernels.withValue(ReferenceKernels()) { try chain() }
        #expect(fast.layouts == [.blocked16, .blocked16, .blocked16, .nhwc, .blocked16, .blocked16, .blocked16, .blocked16])
        #expect(slow.layouts.allSatisfy { $0 == .nhwc })
        // The depthwise layer's 24 channels fill two blocks: oneDNN keeps the 8 padding lanes zero.
        let depthwise = fast.outputs[1].laidOut.scalars, pixels = 10 * 10
        #expect(depthwise.shape == [2, 2, 10, 10, 16])
        var padding: [Float] = []
        for n in 0..<2 {
            for chunk in (n * 2 + 1) * pixels..<(n * 2 + 2) * pixels { padding += depthwise.scalars[(chunk * 16 + 8)..<(chunk * 16 + 16)] }
        }
        #expect(padding.count == 2 * pixels * 8 && padding.allSatisfy { $0 == 0 })
        for (index, (f, s)) in zip(fast.outputs, slow.outputs).enumerated() {
            #expect(f.shape == s.shape, "layer \(index)")
            #expect(f.value.isClose(to: s.value, atol: 1e-3, rtol: 1e-3), "layer \(index)")
        }
    }

    /// Global average pooling hands its images (nChw16c: its 16-channel blocks) to the engine's
    /// threads; each is summed as the reference sums it, so the result is the reference's bit for bit.
    @Test func globalAveragePoolingOnTheEngineThreadsIsTheReference() throws {
        let nchw = randomTensor([12, 40, 7, 7], seed: 81)
        let blocked = Variable(inference: nchw.relaid([12, 40, 7, 7], from: .nchw, to: .blocked16), layout: .blocked16, shape: [12, 40, 7, 7])
        let nhwc = Variable(inference: try nchw.nchwToNHWC(), layout: .nhwc, shape: [12, 40, 7, 7])
        let reference = PoolingReference.globalAverageForward(input: nchw)
        #expect(try blocked.globalAvgPool2d().value == reference)
        #expect(try nhwc.globalAvgPool2d().value == reference)
        #expect(PoolingReference.globalAverageChannelsLastForward(input: try nchw.nchwToNHWC()) == reference)
        // Channels in SIMD lanes of eight and a remainder of five, on a map that is not square.
        let odd = randomTensor([3, 21, 5, 7], seed: 82)
        #expect(PoolingReference.globalAverageChannelsLastForward(input: try odd.nchwToNHWC()) == PoolingReference.globalAverageForward(input: odd))
    }
}
