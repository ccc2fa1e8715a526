import AviaryTensor
import Testing

/// oneDNN's kernel set runs image-shaped batch norm on a vectorised Swift path (`PlanarBatchNorm`):
/// forward, inference and both backward forms against the Float64 reference, on planes whose
/// size is and is not a multiple of the vector width.
@Suite struct BatchNormKernelTests {
    @Test(arguments: [[2, 3, 4, 4], [3, 5, 7, 9], [4, 33, 1, 17], [2, 8, 56, 56]])
    func fastPathMatchesReference(shape: [Int]) throws {
        let c = shape[1]
        // An offset mean checks the variance and gradient are computed around the mean.
        let x = try Tensor(shape: shape, scalars: randomTensor(shape, seed: 51).scalars.map { 3 + 2 * $0 })
        let gamma = randomTensor([c], seed: 52), beta = randomTensor([c], seed: 53), dy = randomTensor(shape, seed: 54)
        let fast = DNNLKernels.shared, slow = ReferenceKernels()
        let (y, mean, variance) = try fast.batchNormTraining(input: x, gamma: gamma, beta: beta, epsilon: 1e-5)
        let (ry, rmean, rvariance) = try slow.batchNormTraining(input: x, gamma: gamma, beta: beta, epsilon: 1e-5)
        #expect(y.isClose(to: ry, atol: 1e-4, rtol: 1e-4))
        #expect(try Tensor(shape: [c], scalars: mean).isClose(to: try Tensor(shape: [c], scalars: rmean), atol: 1e-5, rtol: 1e-5))
        #expect(try Tensor(shape: [c], scalars: variance).isClose(to: try Tensor(shape: [c], scalars: rvariance), atol: 1e-5, rtol: 1e-4))
        let inferred = try fast.batchNormInference(input: x, gamma: gamma, beta: beta, mean: rmean, variance: rvariance, epsilon: 1e-5)
        #expect(inferred.isClose(to: try slow.batchNormInference(input: x, gamma: gamma, beta: beta, mean: rmean, variance: rvariance, epsilon: 1e-5), atol: 1e-4, rtol: 1e-4))
        for trainingStatistics in [true, false] {
            let g = try fast.batchNormBackward(gradOutput: dy, input: x, gamma: gamma, mean: rmean, variance: rvariance, epsilon: 1e-5, trainingStatistics: trainingStatistics)
            let r = try slow.batchNormBackward(gradOutput: dy, input: x, gamma: gamma, mean: rmean, variance: rvariance, epsilon: 1e-5, trainingStatistics: trainingStatistics)
            #expect(g.input.isClose(to: r.input, atol: 1e-4, rtol: 1e-3), "training statistics \(trainingStatistics): \(g.input.maxAbsDifference(r.input))")
            #expect(g.gamma.isClose(to: r.gamma, atol: 1e-3, rtol: 1e-4))
            #expect(g.beta.isClose(to: r.beta, atol: 1e-3, rtol: 1e-4))
        }
    }
}
