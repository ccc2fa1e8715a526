import AviaryTensor
import Testing

@Suite struct DNNLFallbackTests {
    @Test func averagePoolingRefusesDilation() {
        let options = Conv2DOptions(strideH: 1, strideW: 1, padding: .symmetric(0, 0), dilationH: 2, dilationW: 2)
        #expect(throws: TensorError.self) { try Variable(Tensor(zeros: [1, 1, 6, 6])).avgPool2d(kernel: (2, 2), options: options) }
    }

    /// Dilated max pooling: whatever oneDNN offers (its reference code is refused and the Swift
    /// reference runs instead), the result and gradient equal the reference's.
    @Test func dilatedMaxPoolingEqualsTheReferenceThroughEitherPath() throws {
        let x = randomTensor([2, 3, 9, 9], seed: 41)
        let options = Conv2DOptions(strideH: 1, strideW: 1, padding: .symmetric(1, 1), dilationH: 2, dilationW: 2)
        func run(_ kernels: any Kernels) throws -> (Tensor, Tensor) {
            try Engine.$kernels.withValue(kernels) {
                let v = Variable(x, requiresGrad: true)
                let y = try v.maxPool2d(kernel: (3, 3), options: options)
                try y.backward(seed: randomTensor(y.shape, seed: 42))
                return (y.value, try #require(v.grad))
            }
        }
        let (fastY, fastGrad) = try run(DNNLKernels.shared)
        let (slowY, slowGrad) = try run(ReferenceKernels())
        #expect(fastY == slowY)
        #expect(fastGrad.isClose(to: slowGrad, atol: 1e-6, rtol: 1e-6))
        // oneDNN 2.6.3 serves dilated pooling only with `ref:any`, which is refused: this is the
        // fallback path, exercised.
        #expect(DNNLKernels.shared.refusals.contains { $0.contains("pooling forward") && $0.contains("'ref") })
    }
}
