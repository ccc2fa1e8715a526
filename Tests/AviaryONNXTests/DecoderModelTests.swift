@testable import AviaryONNX
@testable import AviaryTensor
import Testing

/// A small image decoder exported by torch.onnx (Fixtures/make_decoder_fixture.py): bilinear,
/// bicubic (align_corners, by size) and nearest Resize by scales and by sizes computed from Shape,
/// ConvTranspose with output padding and groups, reflect Pad with the pads subgraph PyTorch
/// emits (ConstantOfShape, Slice with step −1, Transpose and Reshape on int64), ceil-mode
/// MaxPool, Transpose and batched MatMul. Forward and the input gradient of Σ y·r match PyTorch.
@Suite struct DecoderModelTests {
    @Test func forwardAndBackwardMatchPyTorch() throws {
        let graph = try ONNXGraph(try ONNXModelFile.load(Fixture.url("decoder/decoder.onnx")))
        let x = try NumPyFile.read(Fixture.url("decoder/x.npy"))
        let outputs = try graph.run(["x": x], differentiable: ["x"])
        guard case .variable(let y)? = outputs["y"], case .variable(let leaf)? = outputs["x"] else { Issue.record("missing y or x"); return }
        let expected = try NumPyFile.read(Fixture.url("decoder/y.npy"))
        let forward = ArrayComparison(actual: try HostArray(shape: y.shape, values: y.value.scalars), expected: expected, rtol: 1e-4, atol: 1e-5)
        #expect(forward.isClose, "\(forward)")
        let r = try NumPyFile.read(Fixture.url("decoder/r.npy"))
        try y.backward(seed: Tensor(shape: r.shape, scalars: r.floats()))
        let gradient = try #require(leaf.grad)
        let backward = ArrayComparison(actual: try HostArray(shape: gradient.shape, values: gradient.scalars),
                                       expected: try NumPyFile.read(Fixture.url("decoder/grad_x.npy")), rtol: 1e-3, atol: 1e-4)
        #expect(backward.isClose, "\(backward)")
    }

    /// The resizes exporters emit most (bilinear without align_corners, whole-number nearest
    /// upsampling) take oneDNN's resampling; align_corners stays on the reference.
    @Test func commonResizesTakeTheOneDNNPath() throws {
        func map(_ kernel: ResizeKernel, _ input: Int, _ output: Int) throws -> ResampleAxis {
            let taps = kernel.taps(inputSize: input, outputSize: output, scale: Double(output) / Double(input), roi: nil)
            return try ResampleAxis(axis: 3, inputSize: input, indices: taps.indices, weights: taps.weights)
        }
        let bilinear = ResizeKernel(mode: .linear, coordinates: "half_pixel", antialias: false, excludeOutside: false)
        let nearest = ResizeKernel(mode: .nearest("floor"), coordinates: "asymmetric", antialias: false, excludeOutside: false)
        let corners = ResizeKernel(mode: .linear, coordinates: "align_corners", antialias: false, excludeOutside: false)
        #expect(DNNLKernels.resamplingAlgorithm([1, 2, 3, 7], [try map(bilinear, 7, 14)]) != nil)
        #expect(DNNLKernels.resamplingAlgorithm([1, 2, 3, 7], [try map(bilinear, 7, 5)]) != nil)
        #expect(DNNLKernels.resamplingAlgorithm([1, 2, 3, 7], [try map(nearest, 7, 21)]) != nil)
        #expect(DNNLKernels.resamplingAlgorithm([1, 2, 3, 7], [try map(corners, 7, 14)]) == nil)
    }
}
