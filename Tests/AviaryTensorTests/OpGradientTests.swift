import AviaryTensor
import Testing

/// Moves values off an activation's kinks so a finite-difference step never straddles one.
func awayFromKinks(_ t: Tensor, kinks: [Float]) -> Tensor {
    var out = t
    for i in 0..<out.count { for k in kinks where abs(out.scalars[i] - k) < 0.05 { out.scalars[i] = k + 0.1 } }
    return out
}

@Suite struct OpGradientTests {
    @Test(arguments: [Activation.relu, .relu6, .clip(min: -0.5, max: 0.7), .hardSwish, .hardSigmoid, .sigmoid, .silu])
    func activations(_ kind: Activation) throws {
        let x = awayFromKinks(randomTensor([2, 3, 4], seed: 10, scale: 3), kinks: [0, 6, -0.5, 0.7, -3, 3])
        try checkGradients([x]) { v in v[0].activation(kind) }
    }

    @Test func activationValuesMatchTheirDefinitions() {
        #expect(Activation.relu6.apply(7) == 6)
        #expect(Activation.hardSwish.apply(1) == Float(1 * 4) / 6)
        #expect(Activation.hardSigmoid.apply(-4) == 0)
        #expect(abs(Activation.silu.apply(1) - 0.7310586) < 1e-6)
    }

    @Test func batchNormTraining() throws {
        let x = randomTensor([3, 2, 2, 3], seed: 11), gamma = randomTensor([2], seed: 12), beta = randomTensor([2], seed: 13)
        try checkGradients([x, gamma, beta]) { v in
            var rm = Tensor(zeros: [2]), rv = Tensor(shape: [2], repeating: 1)
            return try v[0].batchNorm(gamma: v[1], beta: v[2], runningMean: &rm, runningVar: &rv, training: true)
        }
    }

    @Test func batchNormInference() throws {
        let x = randomTensor([2, 3, 2, 2], seed: 14), gamma = randomTensor([3], seed: 15), beta = randomTensor([3], seed: 16)
        try checkGradients([x, gamma, beta]) { v in
            var rm = try Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]), rv = try Tensor(shape: [3], scalars: [0.5, 1.5, 2])
            return try v[0].batchNorm(gamma: v[1], beta: v[2], runningMean: &rm, runningVar: &rv, training: false)
        }
    }

    @Test func batchNormRunningStatisticsUseTheUnbiasedVariance() throws {
        // One channel, values 1…4: mean 2.5, biased var 1.25, unbiased 5/3.
        let x = Variable(try Tensor(shape: [4, 1], scalars: [1, 2, 3, 4]))
        var rm = Tensor(zeros: [1]), rv = Tensor(shape: [1], repeating: 1)
        _ = try x.batchNorm(gamma: Variable(Tensor(shape: [1], repeating: 1)), beta: Variable(Tensor(zeros: [1])), runningMean: &rm, runningVar: &rv, training: true, momentum: 0.1)
        #expect(abs(rm.scalars[0] - 0.25) < 1e-6)
        #expect(abs(rv.scalars[0] - (0.9 + 0.1 * 5.0 / 3.0)) < 1e-6)
    }

    @Test func maxPool() throws {
        let x = randomTensor([2, 2, 5, 5], seed: 17)
        try checkGradients([x]) { v in try v[0].maxPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1)) }
    }

    @Test(arguments: [true, false])
    func avgPool(countIncludePad: Bool) throws {
        let x = randomTensor([2, 2, 5, 5], seed: 18)
        try checkGradients([x]) { v in try v[0].avgPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1), countIncludePad: countIncludePad) }
    }

    @Test func globalAvgPool() throws {
        try checkGradients([randomTensor([2, 3, 3, 4], seed: 19)]) { v in try v[0].globalAvgPool2d() }
    }

    @Test func linearAndMatmul() throws {
        try checkGradients([randomTensor([3, 5], seed: 20), randomTensor([4, 5], seed: 21), randomTensor([4], seed: 22)]) { v in
            try v[0].linear(weight: v[1], bias: v[2])
        }
        try checkGradients([randomTensor([3, 5], seed: 23), randomTensor([5, 2], seed: 24)]) { v in try v[0].matmul(v[1]) }
    }

    @Test func oneDNNGemmMatchesReference() {
        let a = randomTensor([7, 5], seed: 25).scalars, b = randomTensor([5, 6], seed: 26).scalars
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let m = 7, n = 6, k = 5
            let aa = ta ? transpose(a, rows: m, cols: k) : a, bb = tb ? transpose(b, rows: k, cols: n) : b
            let fast = DNNLKernels.shared.gemm(aa, bb, m: m, n: n, k: k, transposeA: ta, transposeB: tb)
            let slow = ReferenceKernels().gemm(aa, bb, m: m, n: n, k: k, transposeA: ta, transposeB: tb)
            #expect(zip(fast, slow).allSatisfy { abs($0 - $1) < 1e-5 }, "transposeA \(ta) transposeB \(tb)")
        }
    }

    private func transpose(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        (0..<(rows * cols)).map { i in x[(i % rows) * cols + i / rows] }
    }

    @Test func broadcastingAddAndMul() throws {
        let a = randomTensor([2, 3, 4], seed: 27), b = randomTensor([3, 1], seed: 28)
        try checkGradients([a, b]) { v in try v[0] + v[1] }
        try checkGradients([a, b]) { v in try v[0] * v[1] }
        #expect(throws: TensorError.self) { try Variable(a) + Variable(Tensor(zeros: [2, 4, 4])) }
    }

    @Test func permuteSubtractDivide() throws {
        try checkGradients([randomTensor([2, 3, 4], seed: 36)]) { v in try v[0].permuted([2, 0, 1]) }
        try checkGradients([randomTensor([2, 3, 4], seed: 37), randomTensor([4], seed: 38)]) { v in try v[0] - v[1] }
        var rng = PCG32(seed: 40)
        let divisor = Tensor.uniform([3, 1], low: 1, high: 2, using: &rng) // kept away from zero
        try checkGradients([randomTensor([2, 3, 4], seed: 39), divisor]) { v in try v[0] / v[1] }
        let nchw = try Tensor(shape: [1, 2, 1, 3], scalars: [1, 2, 3, 10, 20, 30])
        #expect(try nchw.nchwToNHWC().scalars == [1, 10, 2, 20, 3, 30])
        #expect(try nchw.nchwToNHWC().nhwcToNCHW() == nchw)
        #expect(throws: TensorError.self) { try nchw.permuted([0, 1, 1, 2]) }
    }

    @Test func concatReshapeFlatten() throws {
        let a = randomTensor([2, 1, 3], seed: 29), b = randomTensor([2, 2, 3], seed: 30)
        try checkGradients([a, b]) { v in try Variable.concat([v[0], v[1]], axis: 1) }
        try checkGradients([randomTensor([2, 3, 2, 2], seed: 31)]) { v in try v[0].flattened().reshaped(to: [4, -1]) }
        let joined = try Variable.concat([Variable(try Tensor(shape: [1, 2], scalars: [1, 2])), Variable(try Tensor(shape: [1, 1], scalars: [3]))], axis: 1)
        #expect(joined.value.scalars == [1, 2, 3])
    }

    @Test func dropout() throws {
        let x = randomTensor([4, 8], seed: 32)
        try checkGradients([x]) { v in
            var rng = PCG32(seed: 7)
            return try v[0].dropout(p: 0.3, training: true, rng: &rng)
        }
        var rng = PCG32(seed: 7)
        let kept = try Variable(Tensor(shape: [1000], repeating: 1)).dropout(p: 0.3, training: true, rng: &rng).value.scalars
        #expect(kept.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        #expect(abs(Float(kept.filter { $0 == 0 }.count) / 1000 - 0.3) < 0.05)
        #expect(try Variable(x).dropout(p: 0.3, training: false, rng: &rng).value == x)
    }

    @Test func softmax() throws {
        try checkGradients([randomTensor([3, 4], seed: 33)]) { v in try v[0].softmax(axis: 1) }
        try checkGradients([randomTensor([2, 3, 2], seed: 34)]) { v in try v[0].softmax(axis: 1) }
    }

    @Test(arguments: [(Float(0), false), (0.1, false), (0, true), (0.2, true)])
    func crossEntropy(smoothing: Float, weighted: Bool) throws {
        let weights = weighted ? try Tensor(shape: [4], scalars: [1, 2, 0.5, 1.5]) : nil
        try checkGradients([randomTensor([5, 4], seed: 35)]) { v in
            try v[0].crossEntropy(targets: [0, 3, 1, 1, 2], classWeights: weights, labelSmoothing: smoothing)
        }
    }

    @Test func crossEntropyOfUniformLogitsIsLogC() throws {
        let loss = try Variable(Tensor(zeros: [2, 4])).crossEntropy(targets: [1, 2])
        #expect(abs(loss.value.scalars[0] - Float(1.3862944)) < 1e-6)
        #expect(throws: TensorError.self) { try Variable(Tensor(zeros: [2, 4])).crossEntropy(targets: [1, 4]) }
    }
}

@Suite struct TensorBasicsTests {
    @Test func pcg32MatchesTheReferenceSequence() {
        // pcg32-demo: pcg32_srandom(42, 54) prints a15c02b7 7b47f409 ba1d3330.
        var rng = PCG32(seed: 42, stream: 54)
        #expect([rng.nextUInt32(), rng.nextUInt32(), rng.nextUInt32()] == [0xa15c_02b7, 0x7b47_f409, 0xba1d_3330])
    }

    @Test func shapesStridesAndErrors() throws {
        let t = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        #expect(t.strides == [12, 4, 1])
        #expect(t[1, 2, 3] == 23)
        #expect(try t.reshaped(to: [4, -1]).shape == [4, 6])
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1]) }
        #expect(throws: TensorError.self) { try t.reshaped(to: [5, -1]) }
    }

    @Test func gradientsAccumulateAcrossUsesAndCalls() throws {
        let x = Variable(try Tensor(shape: [2], scalars: [1, 2]), requiresGrad: true)
        try (try x * x + x).sum().backward()
        #expect(x.grad?.scalars == [3, 5])
        try x.sum().backward()
        #expect(x.grad?.scalars == [4, 6])
        let frozen = GradientMode.withoutGradients { x.relu() }
        #expect(!frozen.requiresGrad)
    }
}
