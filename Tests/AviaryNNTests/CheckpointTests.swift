import AviaryNN
import Foundation
import Testing

@Suite struct CheckpointTests {
    func trainStep(_ model: ResNet, _ optimizer: any Optimizer, _ x: Variable) throws -> Float {
        optimizer.zeroGrad()
        let loss = try model(x).crossEntropy(targets: [0, 1])
        try loss.backward()
        try optimizer.step()
        return loss.value.scalars[0]
    }

    @Test(arguments: ["sgd", "adamw"])
    func resumingFromACheckpointContinuesExactly(optimizerName: String) throws {
        var rng = PCG32(seed: 1)
        let x = Variable(Tensor.normal([2, 3, 16, 16], using: &rng))
        func make() throws -> (ResNet, any Optimizer) {
            let model = try ResNet(blocks: [1], widths: [4], classes: 2, seed: 5)
            let optimizer: any Optimizer = optimizerName == "sgd"
                ? SGD(model.parameters(), learningRate: 0.1, momentum: 0.9) : AdamW(model.parameters(), learningRate: 0.01)
            return (model, optimizer)
        }
        let (model, optimizer) = try make()
        for _ in 0..<2 { _ = try trainStep(model, optimizer, x) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ckpt-\(UUID().uuidString).avta")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.save(model: model, optimizer: optimizer, step: 2, to: url)
        let continued = try trainStep(model, optimizer, x)

        let (restored, restoredOptimizer) = try make()
        #expect(try Checkpoint.load(model: restored, optimizer: restoredOptimizer, from: url) == 2)
        #expect(try trainStep(restored, restoredOptimizer, x) == continued)
        #expect(restored.stateDict() == model.stateDict())
    }

    @Test func aForeignFileIsRefusedWithAHint() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString).pth")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("PK\u{3}\u{4}not ours".utf8).write(to: url)
        do {
            try Checkpoint.load(model: try ResNet(blocks: [1], widths: [4], classes: 2), optimizer: nil, from: url)
            Issue.record("loaded a foreign file")
        } catch let error as TensorArchiveError {
            #expect(error.description.contains("not an Aviary tensor archive"))
        }
    }
}
