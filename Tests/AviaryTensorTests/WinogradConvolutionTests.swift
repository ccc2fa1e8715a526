@testable import AviaryTensor
import Testing

/// Convolutions with 3×3 windows, stride 1 and at least 64 channels run oneDNN's
/// Winograd kernels (`DNNLConvolution+Winograd`). They round differently from the direct ones, so
/// they get their own comparison against the reference, at a tolerance scaled to the outputs
/// (sums of 576 products of unit-variance values, so outputs of size ~24).
@Suite struct WinogradConvolutionTests {
    static let cases: [(input: [Int], weight: [Int])] = [([2, 64, 10, 10], [64, 64, 3, 3]), ([1, 64, 7, 9], [128, 64, 3, 3])]

    func largest(_ t: Tensor) -> Float { t.scalars.map(abs).max() ?? 0 }

    @Test(arguments: 0..<2)
    func winogradMatchesReference(_ index: Int) throws {
        let (shape, weightShape) = WinogradConvolutionTests.cases[index]
        let kernels = DNNLKernels()
        let x = randomTensor(shape, seed: 11), w = randomTensor(weightShape, seed: 12), b = randomTensor([weightShape[0]], seed: 13)
        let g = try Conv2DOptions(stride: 1, padding: 1).resolve(op: "test", inputH: shape[2], inputW: shape[3], kernelH: 3, kernelW: 3)
        let slow = ReferenceKernels()

        let y = try kernels.conv2dForward(input: x, weight: w, bias: b, geometry: g)
        let implementation = kernels.convolutions[DNNLKernels.ConvolutionKey(input: shape, weight: weightShape, geometry: g)]?.implementation ?? "none"
        #expect(implementation.contains("wino"), "expected oneDNN's Winograd kernel, got \(implementation)")
        let ry = try slow.conv2dForward(input: x, weight: w, bias: b, geometry: g)
        #expect(y.isClose(to: ry, atol: 1e-5 * largest(ry), rtol: 1e-4))

        let dy = randomTensor(y.shape, seed: 14)
        let dx = try kernels.conv2dBackwardData(gradOutput: dy, weight: w, inputShape: shape, geometry: g)
        let rdx = try slow.conv2dBackwardData(gradOutput: dy, weight: w, inputShape: shape, geometry: g)
        #expect(dx.isClose(to: rdx, atol: 1e-5 * largest(rdx), rtol: 1e-4))

        let (dw, db) = try kernels.conv2dBackwardWeights(input: x, gradOutput: dy, weightShape: weightShape, geometry: g)
        let (rdw, rdb) = try slow.conv2dBackwardWeights(input: x, gradOutput: dy, weightShape: weightShape, geometry: g)
        #expect(dw.isClose(to: rdw, atol: 1e-5 * largest(rdw), rtol: 1e-4))
        #expect(db.isClose(to: rdb, atol: 1e-5 * largest(rdb), rtol: 1e-4))
    }

    /// The channels-last inference convolution on Winograd: NCHW or NHWC input, reordered to
    /// blocked and back, with the residual (a `sum` post-op, so reordered in first) and ReLU.
    @Test func channelsLastInferenceMatchesReference() throws {
        let (shape, weightShape) = WinogradConvolutionTests.cases[0]
        let kernels = DNNLKernels(), slow = ReferenceKernels()
        let x = randomTensor(shape, seed: 21), w = randomTensor(weightShape, seed: 22), b = randomTensor([weightShape[0]], seed: 23)
        let g = try Conv2DOptions(stride: 1, padding: 1).resolve(op: "test", inputH: shape[2], inputW: shape[3], kernelH: 3, kernelW: 3)
        let outNHWC = [shape[0], g.outputH, g.outputW, weightShape[0]]
        for (activation, residual) in [(nil, nil), (Activation.relu, randomTensor(outNHWC, seed: 24))] {
            let expected = try slow.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: w, bias: b, geometry: g, activation: activation, residual: residual)
            for channelsLast in [false, true] {
                let input = channelsLast ? try x.nchwToNHWC() : x
                let y = try kernels.conv2dChannelsLast(input: input, inputChannelsLast: channelsLast, weight: w, bias: b, geometry: g, activation: activation, residual: residual)
                #expect(y.isClose(to: expected, atol: 1e-5 * largest(expected), rtol: 1e-4), "residual \(residual != nil) NHWC input \(channelsLast)")
            }
            let key = DNNLKernels.ConvolutionKey(input: shape, weight: weightShape, geometry: g, activation: activation, residual: residual != nil, channelsLast: true)
            let implementation = kernels.convolutions[key]?.implementation ?? "none"
            #expect(implementation.contains("wino"), "expected oneDNN's Winograd kernel, got \(implementation)")
        }
        #expect(kernels.cachedWeightCount == 2)  // the transformed weights, once per primitive
    }

    @Test func smallAndStridedConvolutionsStayDirect() throws {
        let kernels = DNNLKernels()
        for (shape, weightShape, stride) in [([1, 16, 8, 8], [16, 16, 3, 3], 1), ([1, 64, 8, 8], [64, 64, 3, 3], 2)] {
            let g = try Conv2DOptions(stride: stride, padding: 1).resolve(op: "test", inputH: 8, inputW: 8, kernelH: 3, kernelW: 3)
            _ = try kernels.conv2dForward(input: randomTensor(shape, seed: 1), weight: randomTensor(weightShape, seed: 2), bias: nil, geometry: g)
            let implementation = kernels.convolutions[DNNLKernels.ConvolutionKey(input: shape, weight: weightShape, geometry: g)]?.implementation ?? "none"
            #expect(!implementation.contains("wino"), "\(shape) stride \(stride) took \(implementation)")
        }
    }
}
