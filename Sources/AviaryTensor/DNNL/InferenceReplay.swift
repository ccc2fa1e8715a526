import CDNNL
import Foundation

/// An eval pass recorded once and run again for new inputs of the same shape, without the Swift
/// that surrounds each oneDNN call in a normal pass (the module walk, variables, kernel lookups,
/// memory objects, allocations): about 0.35 ms of EfficientNet-Lite0's 5 ms at batch 1, where it
/// decides whether Aviary or ONNX Runtime is ahead (`docs/engine.md`, "Batch 1 from inside the
/// process"). What an endpoint serving one image at a time wants.
///
/// The recording is a snapshot: the weights as they were when it was made, whatever happens to the
/// model afterwards (record again after training). It keeps every activation of the pass, so it is
/// refused beyond `maximumBytes`. A pass with a step the recorder cannot keep (an op outside
/// oneDNN that does not record itself, a buffer it would not own) is refused too, by two checks
/// before first use: every address a recorded call binds lies in storage the recording keeps, and
/// a replay on a second input gives the normal pass's result (to float rounding: 1e-5 relative).
/// Refused means nil: run the model as usual.
public final class InferenceReplay: @unchecked Sendable {
    private let recorder: DNNLReplayRecorder
    private let kernels: DNNLKernels
    public let inputShape: [Int]
    public let outputShape: [Int]
    private let input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    /// The steps share their buffers: one replay at a time.
    private let lock = NSLock()

    private init(recorder: DNNLReplayRecorder, kernels: DNNLKernels, inputShape: [Int], input: UnsafeMutablePointer<Float>, output: Tensor) {
        self.recorder = recorder
        self.kernels = kernels
        self.inputShape = inputShape
        self.outputShape = output.shape
        self.input = input
        self.output = recorder.pin(output.scalars)
    }

    /// Records `forward` (the model in eval mode) on `example`; nil where the pass cannot be
    /// replayed or would keep more than `maximumBytes`.
    public static func record(example: Tensor, maximumBytes: Int = 512 << 20, _ forward: (Variable) throws -> Variable) throws -> InferenceReplay? {
        guard let kernels = Engine.kernels as? DNNLKernels, kernels.stream != nil, !example.scalars.isEmpty else { return nil }
        let recorder = DNNLReplayRecorder(maximumBytes: maximumBytes)
        // The recording's own copy of the input, which each run overwrites.
        let input = example.scalars.map { $0 }
        let output = try GradientMode.withoutGradients {
            try DNNLReplayRecorder.$current.withValue(recorder) { try forward(Variable(Tensor(uncheckedShape: example.shape, scalars: input))).value }
        }
        let replayInput = recorder.pin(input)
        recorder.markWritten(replayInput)
        guard recorder.isRecording, !output.scalars.isEmpty, try recorder.isComplete() else { return nil }
        let replay = InferenceReplay(recorder: recorder, kernels: kernels, inputShape: example.shape, input: replayInput, output: output)
        try recorder.packActivations()
        // A second input, mixed from the first, through the normal pass and through the replay.
        let count = input.count
        let probe = Tensor(uncheckedShape: example.shape, scalars: (0..<count).map { input[($0 &* 7919) % count] * -0.5 + 0.125 })
        let expected = try GradientMode.withoutGradients { try forward(Variable(probe)).value }
        // The same kernels as a normal pass, on buffers at other addresses, where oneDNN's sgemm
        // may round a last bit differently; a step the recording missed is off by far more.
        guard try replay.run(probe).isClose(to: expected, atol: 1e-6, rtol: 1e-5),
              try replay.run(example).isClose(to: output, atol: 1e-6, rtol: 1e-5) else { return nil }
        return replay
    }

    /// The recorded pass on `input`.
    public func run(_ input: Tensor) throws -> Tensor {
        guard input.shape == inputShape else {
            throw TensorError.shapeMismatch(op: "InferenceReplay.run", detail: "input \(input.shape), recorded for \(inputShape)", hint: "record a replay for this input shape")
        }
        guard let stream = kernels.stream else { throw TensorError.kernel(op: "InferenceReplay.run", detail: "no oneDNN stream") }
        return try lock.withLock {
            input.scalars.withUnsafeBufferPointer { self.input.update(from: $0.baseAddress!, count: $0.count) }
            var index = 0
            let steps = recorder.steps
            while index < steps.count {
                if case .swift(let step) = steps[index] {
                    step()
                    index += 1
                    continue
                }
                // A run of primitive calls under the kernels' lock, which a Swift step may take itself.
                try kernels.exclusively {
                    while index < steps.count, case .primitive(let primitive, let arguments) = steps[index] {
                        try dnnlCheck(DNNLCallClock.timing { dnnl_primitive_execute(primitive.primitive, stream, Int32(arguments.count), arguments) },
                                      "InferenceReplay.run", "dnnl_primitive_execute")
                        index += 1
                    }
                    try dnnlCheck(dnnl_stream_wait(stream), "InferenceReplay.run", "dnnl_stream_wait")
                }
            }
            let count = outputShape.reduce(1, *)
            return Tensor(uncheckedShape: outputShape, scalars: Array(UnsafeBufferPointer(start: output, count: count)))
        }
    }
}
