@testable import AviaryNN
@testable import AviaryTensor
import Testing

/// oneDNN keeps eval-mode weights in its kernel layout between calls (`DNNLPreparedWeights`).
/// Those copies must go with the weights they came from: a dropped model, or folded weights that
/// training replaced, may not leave them resident. Each test counts the copies in its own
/// `DNNLKernels`, so tests running in parallel do not disturb the count.
@Suite struct KernelCacheLifetimeTests {
    /// A two-stage ResNet: 7 convolutions, widths 16 and 32 (wide enough for blocked weights).
    func model() throws -> ResNet { try ResNet(blocks: [1, 1], widths: [16, 32], classes: 3) }

    func infer(_ model: ResNet, _ x: Variable) throws {
        model.eval()
        _ = try GradientMode.withoutGradients { try model(x) }
    }

    @Test func aDroppedModelFreesItsKernelLayoutWeights() throws {
        let kernels = DNNLKernels()
        var rng = PCG32(seed: 1)
        let x = Variable(Tensor.normal([2, 3, 32, 32], using: &rng))
        try Engine.$kernels.withValue(kernels) {
            var first: ResNet? = try model()
            try infer(first!, x)
            let held = kernels.cachedWeightCount
            #expect(held > 0 && held <= 7)
            try infer(first!, x)
            #expect(kernels.cachedWeightCount == held)  // the second pass hits every entry

            let second = try model()
            try infer(second, x)
            #expect(kernels.cachedWeightCount == 2 * held)  // two live models, two sets
            first = nil
            #expect(kernels.cachedWeightCount == held)  // the dropped model's batch norms freed its set
            _ = second
        }
    }

    /// Training holds no eval-mode copies: its first pass drops the folds, and with them oneDNN's
    /// kernel-layout weights (which stayed resident through the whole training phase before, 80 MB
    /// for ResNet-18). Evaluating again makes one new set.
    @Test func trainingThenEvaluatingKeepsOneSet() throws {
        let kernels = DNNLKernels()
        var rng = PCG32(seed: 2)
        let x = Variable(Tensor.normal([2, 3, 32, 32], using: &rng))
        try Engine.$kernels.withValue(kernels) {
            let net = try model()
            let optimizer = SGD(net.parameters(), learningRate: 0.1, momentum: 0.9)
            try infer(net, x)
            let held = kernels.cachedWeightCount
            for _ in 0..<3 {
                net.train()
                optimizer.zeroGrad()
                try net(x).crossEntropy(targets: [0, 1]).backward()
                #expect(kernels.cachedWeightCount == 0)
                try optimizer.step()
                try infer(net, x)
                // New weights, new folds: the previous epoch's copies were released, not kept.
                #expect(kernels.cachedWeightCount == held)
            }
        }
    }
}
