@testable import AviaryTensor
import Testing

/// The clock EngineBench reads to split a pass into oneDNN's calls and the Swift around them.
@Suite struct DNNLCallClockTests {
    @Test func timesOneDNNCallsOnlyWhileRunning() throws {
        let x = randomTensor([2, 16, 12, 12], seed: 91), w = randomTensor([16, 16, 3, 3], seed: 92)
        let g = try Conv2DOptions(stride: 1, padding: 1).resolve(op: "clock", inputH: 12, inputW: 12, kernelH: 3, kernelW: 3)
        let a = randomTensor([8, 8], seed: 93).scalars
        func work() throws {
            _ = try DNNLKernels.shared.conv2dForward(input: x, weight: w, bias: nil, geometry: g)
            _ = DNNLKernels.shared.gemm(a, a, m: 8, n: 8, k: 8, transposeA: false, transposeB: true)
        }
        try work()  // builds the primitives, untimed

        DNNLCallClock.start()
        let started = DNNLCallClock.reading
        try work()
        let running = DNNLCallClock.reading
        // Other suites' calls may be counted too while it runs; these two at least.
        #expect(running.calls >= started.calls + 2)
        #expect(running.seconds > started.seconds)

        DNNLCallClock.stop()
        let stopped = DNNLCallClock.reading
        try work()
        #expect(DNNLCallClock.reading.calls == stopped.calls)
        #expect(DNNLCallClock.reading.seconds == stopped.seconds)
    }
}
