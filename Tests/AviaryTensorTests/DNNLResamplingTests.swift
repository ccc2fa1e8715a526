@testable import AviaryTensor
import Testing

/// oneDNN resampling, the fast path of `resampled(along:)`: recognised only for maps that are
/// exactly oneDNN's, and then equal to the reference forward and backward.
@Suite struct DNNLResamplingTests {
    /// Half-pixel bilinear 3 → 6, written out by hand (edge taps clamp to the border).
    static let bilinear = try! ResampleAxis(axis: 3, inputSize: 3, indices: [[0], [0, 1], [0, 1], [1, 2], [1, 2], [2]],
                                            weights: [[1], [0.75, 0.25], [0.25, 0.75], [0.75, 0.25], [0.25, 0.75], [1]])

    @Test func recognisesOneDNNsMapsOnly() throws {
        #expect(DNNLKernels.resamplingAlgorithm([1, 1, 4, 3], [Self.bilinear]) != nil)
        // Nearest ×2 as PyTorch exports it (asymmetric, floor) is oneDNN's nearest too.
        let nearest = try ResampleAxis(axis: 2, inputSize: 4, indices: (0..<8).map { [$0 / 2] }, weights: Array(repeating: [1], count: 8))
        #expect(DNNLKernels.resamplingAlgorithm([1, 1, 4, 3], [nearest, Self.bilinear]) == nil)  // mixed algorithms
        #expect(DNNLKernels.resamplingAlgorithm([1, 1, 4, 3], [nearest]) != nil)
        // Align-corners bilinear 3 → 5 is not.
        let corners = try ResampleAxis(axis: 3, inputSize: 3, indices: [[0], [0, 1], [1], [1, 2], [2]], weights: [[1], [0.5, 0.5], [1], [0.5, 0.5], [1]])
        #expect(DNNLKernels.resamplingAlgorithm([1, 1, 4, 3], [corners]) == nil)
        #expect(DNNLKernels.resamplingAlgorithm([4, 3], [try ResampleAxis(axis: 1, inputSize: 3, indices: Self.bilinear.indices, weights: Self.bilinear.weights)]) == nil)
    }

    @Test(arguments: [true, false])
    func oneDNNMatchesReference(linear: Bool) throws {
        let x = randomTensor([2, 3, 5, 7], seed: 51)
        let maps = try [(2, 5, 10), (3, 7, 4)].map { axis, input, output in
            let taps = DNNLKernels.oneDNNMap(input: input, output: output, linear: linear)
            return try ResampleAxis(axis: axis, inputSize: input, indices: taps.indices, weights: taps.weights)
        }
        #expect(DNNLKernels.resamplingAlgorithm(x.shape, maps) != nil)
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        let y = try fast.resample(x, along: maps)
        #expect(y.shape == [2, 3, 10, 4])
        #expect(y.isClose(to: try slow.resample(x, along: maps), atol: 1e-5, rtol: 1e-5))
        let g = randomTensor(y.shape, seed: 52)
        #expect(try fast.resampleBackward(g, along: maps).isClose(to: try slow.resampleBackward(g, along: maps), atol: 1e-5, rtol: 1e-5))
    }
}
