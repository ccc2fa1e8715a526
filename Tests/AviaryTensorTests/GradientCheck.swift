import AviaryTensor
import Testing

/// Finite-difference gradient check, on the Swift reference kernels. The output is reduced to a
/// scalar with fixed random weights R (so every output element matters); the analytic gradient of
/// Σ R·f is compared with central differences of step `eps`, summed in Float64. Float32 forward
/// values limit the precision, hence the default tolerances |analytic − numeric| ≤ atol + rtol·|numeric|
/// with atol = rtol = 1e-2 at eps = 1e-2 (tinygrad's helper uses rtol 1e-3 on Float64-friendly ops).
func checkGradients(
    _ inputs: [Tensor], eps: Float = 1e-2, atol: Float = 1e-2, rtol: Float = 1e-2, maxChecksPerInput: Int = 48,
    sourceLocation: SourceLocation = #_sourceLocation, _ f: ([Variable]) throws -> Variable
) throws {
    try Engine.$kernels.withValue(ReferenceKernels()) {
        let variables = inputs.map { Variable($0, requiresGrad: true) }
        let out = try f(variables)
        var rng = PCG32(seed: 99)
        let weights = Tensor.uniform(out.shape, low: -1, high: 1, using: &rng)
        try out.backward(seed: weights)
        func objective(_ tensors: [Tensor]) throws -> Double {
            let value = try f(tensors.map { Variable($0) }).value
            var total = 0.0
            for i in 0..<value.count { total += Double(value.scalars[i]) * Double(weights.scalars[i]) }
            return total
        }
        for (index, input) in inputs.enumerated() {
            let analytic = try #require(variables[index].grad, "no gradient for input \(index)", sourceLocation: sourceLocation)
            #expect(analytic.shape == input.shape, sourceLocation: sourceLocation)
            let step = max(1, input.count / maxChecksPerInput)
            for element in stride(from: 0, to: input.count, by: step) {
                var plus = inputs, minus = inputs
                plus[index].scalars[element] += eps
                minus[index].scalars[element] -= eps
                let numeric = Float((try objective(plus) - objective(minus)) / Double(2 * eps))
                let got = analytic.scalars[element]
                #expect(abs(got - numeric) <= atol + rtol * abs(numeric),
                        "input \(index) element \(element): analytic \(got), numeric \(numeric)", sourceLocation: sourceLocation)
            }
        }
    }
}

func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = PCG32(seed: seed)
    return Tensor.normal(shape, std: scale, using: &rng)
}
