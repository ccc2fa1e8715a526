import AviaryNN
import Testing

/// Ten SGD steps of a small torchvision-layout ResNet from identical weights and batch, against
/// PyTorch's losses (Fixtures/tiny_resnet.avta from Fixtures/make_fixtures.py), the llm.c check.
/// Tolerance: |Δloss| ≤ 1e-4 + 1e-3·loss at every step.
@Suite struct TinyResNetParityTests {
    @Test(arguments: ["oneDNN", "reference"])
    func tenSGDStepsMatchPyTorch(backend: String) throws {
        let fixture = try Fixtures.archive("tiny_resnet.avta")
        let kernels: any Kernels = backend == "oneDNN" ? DNNLKernels.shared : ReferenceKernels()
        try Engine.$kernels.withValue(kernels) {
            let model = try ResNet(blocks: [1, 1], widths: [8, 16], classes: 5)
            try model.load(stateDict: TensorArchive(entries: fixture.entries.filter { $0.name.hasPrefix("model.") }), prefix: "model.")
            let x = Variable(try fixture.require("batch.x"))
            let y = try fixture.require("batch.y").scalars.map { Int($0) }
            let optimizer = SGD(model.parameters(), learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
            model.train()
            var losses: [Float] = []
            for _ in 0..<10 {
                optimizer.zeroGrad()
                let loss = try model(x).crossEntropy(targets: y)
                try loss.backward()
                try optimizer.step()
                losses.append(loss.value.scalars[0])
            }
            let expected = try fixture.require("losses").scalars
            for (step, (got, want)) in zip(losses, expected).enumerated() {
                #expect(abs(got - want) <= 1e-4 + 1e-3 * want, "step \(step): \(got) vs PyTorch \(want)")
            }
            #expect(model.fc.weight.value.isClose(to: try fixture.require("final.fc.weight"), atol: 1e-3, rtol: 1e-2))
            #expect(model.bn1.runningMean.value.isClose(to: try fixture.require("final.bn1.running_mean"), atol: 1e-4, rtol: 1e-3))
        }
    }
}
