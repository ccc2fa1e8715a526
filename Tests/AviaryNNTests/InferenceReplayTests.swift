import AviaryNN
import Foundation
import Testing

/// A recorded eval pass replayed gives the normal pass's result, or is refused. Bit for bit where
/// the buffers line up alike; oneDNN's sgemm may round a last bit differently by address.
@Suite struct InferenceReplayTests {
    func input(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = PCG32(seed: seed)
        return Tensor.normal(shape, using: &rng)
    }

    func model(_ name: String) throws -> any Module {
        let model: any Module = switch name {
        case "mobilenet_v2": try MobileNetV2(classes: 10)
        case "resnet18": try ResNet.resnet18(classes: 10)
        default: try EfficientNetLite0(classes: 10)
        }
        model.eval()
        return model
    }

    func normalPass(_ model: any Module, _ x: Tensor) throws -> Tensor {
        try GradientMode.withoutGradients { try model(Variable(x)).value }
    }

    @Test(arguments: ["efficientnet_lite0", "mobilenet_v2", "resnet18"])
    func replayIsTheEvalPass(_ name: String) throws {
        let model = try model(name)
        let replay = try #require(try InferenceReplay.record(example: input([2, 3, 64, 64], seed: 1)) { try model($0) })
        #expect(replay.outputShape == [2, 10])
        for seed: UInt64 in 2...4 {
            let x = input([2, 3, 64, 64], seed: seed)
            #expect(try replay.run(x).isClose(to: normalPass(model, x), atol: 1e-6, rtol: 1e-5))
        }
        #expect(throws: TensorError.self) { try replay.run(input([1, 3, 64, 64], seed: 5)) }
    }

    /// The recording is a snapshot: training the model afterwards leaves it as it was.
    @Test func aReplayKeepsTheWeightsItWasRecordedWith() throws {
        let model = try model("efficientnet_lite0")
        let x = input([1, 3, 32, 32], seed: 6)
        let before = try normalPass(model, x)
        let replay = try #require(try InferenceReplay.record(example: x) { try model($0) })
        for parameter in model.parameters() { parameter.value = try Tensor(shape: parameter.value.shape, scalars: parameter.value.scalars.map { $0 * 0.5 }) }
        #expect(try normalPass(model, x).scalars != before.scalars)
        #expect(try replay.run(x).isClose(to: before, atol: 1e-6, rtol: 1e-5))
    }

    /// A replay owns what it runs on: with its model dropped and the kernels' weight copies and
    /// buffer pool freed, it gives the same answer.
    @Test func aReplayOutlivesItsModelAndTheKernelsCaches() throws {
        let x = input([1, 3, 64, 64], seed: 9)
        var model: (any Module)? = try model("efficientnet_lite0")
        let expected = try normalPass(model!, x)
        let recorded = try InferenceReplay.record(example: x) { [model] input in try model!(input) }
        let replay = try #require(recorded)
        model = nil
        DNNLKernels.shared.releaseUnusedCaches()
        #expect(try replay.run(x).isClose(to: expected, atol: 1e-6, rtol: 1e-5))
        #expect(try replay.run(x).isClose(to: expected, atol: 1e-6, rtol: 1e-5))
    }

    /// Work the recorder does not see (here the caller's own Swift loop over the model's output)
    /// would replay its recorded result for every input: the check on a second input refuses it.
    @Test func aPassWithWorkOutsideTheRecordingIsRefused() throws {
        let model = try model("efficientnet_lite0")
        let x = input([1, 3, 32, 32], seed: 7)
        #expect(try InferenceReplay.record(example: x) { x in
            let y = try model(x)
            return Variable(try Tensor(shape: y.shape, scalars: y.value.scalars.map { $0 * 2 }))
        } == nil)
        #expect(try InferenceReplay.record(example: x) { try model($0) } != nil)
    }

    /// Past `maximumBytes` the recording lets go of what it kept and the pass finishes as usual.
    @Test func aRecordingThatWouldKeepTooMuchIsRefused() throws {
        let model = try model("mobilenet_v2")
        let x = input([1, 3, 64, 64], seed: 8)
        var result: Tensor?
        #expect(try InferenceReplay.record(example: x, maximumBytes: 1 << 20) { output in
            let y = try model(output)
            result = y.value
            return y
        } == nil)
        #expect(result?.scalars == (try normalPass(model, x).scalars))
    }
}
