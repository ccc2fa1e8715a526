import AviaryNN
import Foundation
import Testing

/// The optimizers update weights and state in place, split across threads: on a parameter large
/// enough to be split, every element must equal the one-element formula exactly, and a copy of the
/// weights someone still holds (a snapshot, a fold cache) must not move.
@Suite struct OptimizerInPlaceTests {
    static let count = 200_003  // several threads' worth, not a multiple of anything

    static func values(_ seed: Float) -> [Float] { (0..<count).map { Float(($0 * 7919) % 1000) / 500 - 1 + seed } }

    func parameter(_ seed: Float, grad: Float) throws -> Variable {
        let p = Variable(try Tensor(shape: [Self.count], scalars: Self.values(seed)), requiresGrad: true)
        p.grad = try Tensor(shape: [Self.count], scalars: Self.values(grad))
        return p
    }

    @Test(arguments: [false, true])
    func sgdMatchesTheScalarFormulaOnEveryElement(_ nesterov: Bool) throws {
        let p = try parameter(0.25, grad: 0.5)
        let snapshot = p.value
        let (lr, momentum, decay): (Float, Float, Float) = (0.1, 0.9, 0.01)
        let sgd = SGD([p], learningRate: lr, momentum: momentum, nesterov: nesterov, weightDecay: decay)
        try sgd.step()
        try sgd.step()
        let w0 = Self.values(0.25), g = Self.values(0.5)
        var mismatches = 0
        for i in 0..<Self.count {
            var w = w0[i], buffer: Float = 0
            for step in 0..<2 {
                let d = g[i] + decay * w
                buffer = step == 0 ? d : momentum * buffer + d
                w -= lr * (nesterov ? d + momentum * buffer : buffer)
            }
            if p.value.scalars[i] != w { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(snapshot.scalars == w0)
    }

    @Test func adamWMatchesTheScalarFormulaOnEveryElement() throws {
        let p = try parameter(-0.5, grad: 0.125)
        let snapshot = p.value
        let adam = AdamW([p], learningRate: 0.01, weightDecay: 0.1)
        try adam.step()
        try adam.step()
        let w0 = Self.values(-0.5), g = Self.values(0.125)
        let (lr, decay, beta1, beta2, epsilon): (Float, Float, Float, Float, Float) = (0.01, 0.1, 0.9, 0.999, 1e-8)
        var mismatches = 0
        for i in 0..<Self.count {
            var w = w0[i], m: Float = 0, v: Float = 0
            for t in 1...2 {
                let c1 = 1 - pow(beta1, Float(t)), c2 = 1 - pow(beta2, Float(t))
                w *= 1 - lr * decay
                m = beta1 * m + (1 - beta1) * g[i]
                v = beta2 * v + (1 - beta2) * g[i] * g[i]
                w -= lr * (m / c1) / ((v / c2).squareRoot() + epsilon)
            }
            if p.value.scalars[i] != w { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(snapshot.scalars == w0)
    }
}
