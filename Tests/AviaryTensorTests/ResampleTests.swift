import AviaryTensor
import Testing

@Suite struct ResampleTests {
    /// A linear 2-tap map on H and a gather with an empty (fill) row on W.
    static func maps() throws -> [ResampleAxis] {
        [try ResampleAxis(axis: 2, inputSize: 3, indices: [[0, 1], [1, 2], [2, 2], [0, 2]], weights: [[0.25, 0.75], [0.5, 0.5], [1, 0], [-0.2, 1.2]]),
         try ResampleAxis(axis: 3, inputSize: 4, indices: [[], [0], [3], [1], [2], [2]], weights: [[], [1], [1], [1], [1], [1]])]
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let maps = try Self.maps()
        try checkGradients([randomTensor([2, 2, 3, 4], seed: 31)]) { v in try v[0].resampled(along: maps) }
    }

    @Test func knownValues() throws {
        // [1, 2, 3] → linear midpoints and a reflected edge.
        let x = Variable(try Tensor(shape: [3], scalars: [1, 2, 3]))
        let map = try ResampleAxis(axis: 0, inputSize: 3, indices: [[0, 1], [1, 2], [1], []], weights: [[0.5, 0.5], [0.5, 0.5], [1], []])
        #expect(try x.resampled(along: [map]).value.scalars == [1.5, 2.5, 2, 0])
    }

    @Test func badMapsThrow() throws {
        #expect(throws: TensorError.self) { try ResampleAxis(axis: 0, inputSize: 2, indices: [[2]], weights: [[1]]) }
        let map = try ResampleAxis(axis: 1, inputSize: 5, indices: [[0]], weights: [[1]])
        #expect(throws: TensorError.self) { try Variable(Tensor(zeros: [2, 3])).resampled(along: [map]) }
    }
}

@Suite struct BatchedMatMulTests {
    @Test func gradientsMatchFiniteDifferences() throws {
        // Batch axes [2, 1] and [3] broadcast to [2, 3].
        try checkGradients([randomTensor([2, 1, 3, 4], seed: 32), randomTensor([3, 4, 2], seed: 33)]) { v in try v[0].batchedMatmul(v[1]) }
    }

    @Test func eachBatchIsAMatrixProduct() throws {
        let a = randomTensor([2, 3, 4], seed: 34), b = randomTensor([4, 5], seed: 35)
        let y = try Variable(a).batchedMatmul(Variable(b))
        #expect(y.shape == [2, 3, 5])
        for batch in 0..<2 {
            let slice = Variable(try Tensor(shape: [3, 4], scalars: Array(a.scalars[(batch * 12)..<((batch + 1) * 12)])))
            let expected = try slice.matmul(Variable(b)).value
            #expect(Array(y.value.scalars[(batch * 15)..<((batch + 1) * 15)]) == expected.scalars)
        }
    }
}

@Suite struct PoolingNDTests {
    static let windows: [PoolingWindow] = [
        PoolingWindow(kernel: [2, 2, 2]),
        PoolingWindow(kernel: [2, 3, 2], strides: [2, 2, 1], dilations: [1, 1, 2], padBegin: [1, 0, 1], padEnd: [0, 1, 1], ceilMode: true),
    ]

    @Test(arguments: [0, 1])
    func gradientsMatchFiniteDifferences(_ index: Int) throws {
        let window = Self.windows[index]
        // Distinct values a step apart, so no finite difference straddles a tie between maxima.
        var x = randomTensor([1, 2, 4, 5, 4], seed: 41)
        for i in 0..<x.count { x.scalars[i] = Float((i * 37) % x.count) * 0.05 }
        try checkGradients([x]) { v in try v[0].maxPool(window: window) }
        for includePad in [false, true] {
            try checkGradients([x]) { v in try v[0].avgPool(window: window, countIncludePad: includePad) }
        }
    }

    /// In 2-D, without the N-D-only features, it agrees with the 2-D reference.
    @Test func agreesWithTheTwoDimensionalReference() throws {
        let x = randomTensor([2, 3, 7, 6], seed: 42)
        let options = Conv2DOptions(strideH: 2, strideW: 2, padding: .explicit(top: 1, left: 0, bottom: 1, right: 1))
        let window = PoolingWindow(kernel: [3, 3], strides: [2, 2], padBegin: [1, 0], padEnd: [1, 1])
        try Engine.$kernels.withValue(ReferenceKernels()) {
            #expect(try Variable(x).maxPool(window: window).value == Variable(x).maxPool2d(kernel: (3, 3), options: options).value)
            for includePad in [false, true] {
                let nd = try Variable(x).avgPool(window: window, countIncludePad: includePad).value
                #expect(nd.isClose(to: try Variable(x).avgPool2d(kernel: (3, 3), options: options, countIncludePad: includePad).value, atol: 1e-6, rtol: 1e-6))
            }
        }
    }

    @Test func ceilModeNeverStartsAWindowPastTheInput() throws {
        // ONNX's maxpool_2d_ceil_output_size_reduce_by_one: 2 cells, kernel 1, stride 2 → 1 output.
        #expect(try PoolingWindow(kernel: [1], strides: [2], ceilMode: true).outputSize("t", input: [2]) == [1])
        #expect(try PoolingWindow(kernel: [3], strides: [2], ceilMode: true).outputSize("t", input: [4]) == [2])
    }
}
