import AviaryNN
import Foundation
import Testing

@Suite struct OptimizerTests {
    func parameter(_ values: [Float], grad: [Float]) throws -> Variable {
        let p = Variable(try Tensor(shape: [values.count], scalars: values), requiresGrad: true)
        p.grad = try Tensor(shape: [grad.count], scalars: grad)
        return p
    }

    @Test func sgdMomentumAndNesterovFollowPyTorch() throws {
        // p=1, g=0.5 each step, lr 0.1, momentum 0.9, wd 0.1 → d = g + 0.1·p.
        let plain = try parameter([1], grad: [0.5]), nesterov = try parameter([1], grad: [0.5])
        let a = SGD([plain], learningRate: 0.1, momentum: 0.9, weightDecay: 0.1)
        let b = SGD([nesterov], learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1)
        try a.step(); try b.step()
        #expect(abs(plain.value.scalars[0] - (1 - 0.1 * 0.6)) < 1e-6)         // buf = d = 0.6
        #expect(abs(nesterov.value.scalars[0] - (1 - 0.1 * (0.6 + 0.54))) < 1e-6) // d + 0.9·buf
        try a.step()
        let d2: Float = 0.5 + 0.1 * 0.94
        #expect(abs(plain.value.scalars[0] - (0.94 - 0.1 * (0.9 * 0.6 + d2))) < 1e-6)
    }

    @Test func adamWFirstStepMovesByTheLearningRate() throws {
        let p = try parameter([2, -1], grad: [0.3, -4])
        let adam = AdamW([p], learningRate: 0.01, weightDecay: 0.1)
        try adam.step()
        // Bias-corrected m/√v = sign(g) on step 1; decay first: p·(1 − lr·wd).
        #expect(abs(p.value.scalars[0] - (2 * 0.999 - 0.01)) < 1e-5)
        #expect(abs(p.value.scalars[1] - (-1 * 0.999 + 0.01)) < 1e-5)
    }

    @Test func parameterGroupsScaleTheRateAndFrozenParametersStay() throws {
        let head = try parameter([1], grad: [1]), backbone = try parameter([1], grad: [1])
        let sgd = SGD([ParameterGroup([backbone], learningRateScale: 0.1), ParameterGroup([head])], learningRate: 1)
        try sgd.step()
        #expect(backbone.value.scalars == [0.9])
        #expect(head.value.scalars == [0])
        sgd.zeroGrad()
        #expect(head.grad == nil)
        let frozen = Variable(Tensor(shape: [1], repeating: 2), requiresGrad: false)
        try (try frozen * head).sum().backward()
        #expect(frozen.grad == nil)
    }

    @Test func aFrozenBackboneGetsNoGradientsWhileTheHeadTrains() throws {
        let model = try ResNet(blocks: [1], widths: [4], classes: 3, seed: 4)
        for (_, stage) in model.children where !(stage is Linear) { stage.freeze() }
        var rng = PCG32(seed: 5)
        try model(Variable(Tensor.normal([2, 3, 16, 16], using: &rng))).crossEntropy(targets: [0, 2]).backward()
        #expect(model.conv1.weight.grad == nil)
        #expect(model.fc.weight.grad != nil)
        model.freeze(false)
        #expect(model.parameters().allSatisfy { $0.requiresGrad })
    }

    @Test func clippingScalesToTheMaximumNorm() throws {
        let p = try parameter([0, 0], grad: [3, 4])
        #expect(clipGradientNorm([p], maxNorm: 1) == 5)
        #expect(abs(p.grad!.scalars[0] - 0.6) < 1e-5 && abs(p.grad!.scalars[1] - 0.8) < 1e-5)
        #expect(clipGradientNorm([p], maxNorm: 10) < 1.0001)
    }

    @Test func schedules() {
        let step = StepSchedule(base: 1, stepSize: 10, gamma: 0.5)
        #expect([0, 9, 10, 25].map(step.learningRate(at:)) == [1, 1, 0.5, 0.25])
        let cosine = CosineSchedule(base: 1, totalSteps: 100, minimum: 0.1)
        #expect(cosine.learningRate(at: 0) == 1)
        #expect(abs(cosine.learningRate(at: 50) - 0.55) < 1e-6)
        #expect(abs(cosine.learningRate(at: 100) - 0.1) < 1e-6)
        let warm = WarmupSchedule(cosine, warmupSteps: 10, startFactor: 0)
        #expect(warm.learningRate(at: 0) == 0)
        #expect(abs(warm.learningRate(at: 5) - 0.5) < 1e-6)
        #expect(warm.learningRate(at: 10) == 1)
    }
}
