import CDNNL
import Foundation
@testable import AviaryTensor
import Testing

/// The layout transposes and gradient sums split across threads: shapes with fewer batches than
/// threads and sides that are not multiples of the 32-element tile, against index formulas.
@Suite struct ParallelPassTests {
    @Test(arguments: [[1, 37, 45, 70], [3, 5, 7, 33], [2, 64, 56, 64]])
    func layoutTransposesMatchTheIndexFormula(_ shape: [Int]) throws {
        let x = randomTensor(shape, seed: 91)  // NCHW
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let nhwc = x.nchwToChannelsLast()
        #expect(nhwc.shape == [n, h, w, c])
        var mismatches = 0
        for b in 0..<n { for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
            if nhwc.scalars[((b * h + y) * w + xx) * c + ch] != x.scalars[((b * c + ch) * h + y) * w + xx] { mismatches += 1 }
        } } } }
        #expect(mismatches == 0)
        #expect(nhwc.channelsLastToNCHW() == x)
    }

    @Test func gradientsOfAValueUsedTwiceAddUp() throws {
        let x = Variable(randomTensor([300_001], seed: 92), requiresGrad: true)
        let y = try (x * x) + x  // three uses of x: the gradient 2x + 1 is accumulated
        try y.sum().backward()
        let worst = zip(x.grad!.scalars, x.value.scalars).map { abs($0 - (2 * $1 + 1)) }.max() ?? .infinity
        #expect(worst <= 1e-6)
    }

    @Test func addingIsElementwise() throws {
        let a = randomTensor([2, 70_001], seed: 93), b = randomTensor([2, 70_001], seed: 94)
        let sum = a.adding(b)
        #expect(sum.shape == a.shape)
        #expect(sum.scalars == zip(a.scalars, b.scalars).map { $0 + $1 })
    }

    /// Column sums (a 1×1 convolution's bias gradient) against Float64 sums by rows: threads and
    /// 64-row Float blocks keep the precision of a long sum (100,003 rows of values near 1).
    @Test(arguments: [(0, 5), (1, 3), (63, 1), (100_003, 7)])
    func columnSumsMatchLongFloat64Sums(_ rows: Int, _ columns: Int) {
        var rng = PCG32(seed: 7)
        let matrix = (0..<(rows * columns)).map { _ in 1 + Float(rng.nextUInt32() % 1000) / 1000 }
        var expected = [Double](repeating: 0, count: columns)
        for row in 0..<rows { for j in 0..<columns { expected[j] += Double(matrix[row * columns + j]) } }
        let sums = ParallelRanges.columnSums(of: matrix, columns: columns)
        #expect(sums.count == columns)
        for j in 0..<columns { #expect(abs(Double(sums[j]) - expected[j]) <= 1e-6 * max(expected[j], 1), "column \(j): \(sums[j]) vs \(expected[j])") }
    }

    /// `ParallelRanges.perform` runs on libgomp's team: every task exactly once, whatever the
    /// team size, also when called inside another region (libgomp gives a nested region a team
    /// of one) and from several Swift threads at once (each gets its own team).
    @Test(arguments: [0, 1, 2, 3, 17])
    func performRunsEveryTaskOnce(_ tasks: Int) {
        let counts = TaskCounts(tasks)
        ParallelRanges.perform(tasks) { counts.hit($0) }
        #expect(counts.values == [Int](repeating: 1, count: tasks))
    }

    @Test func nestedAndConcurrentPerformRunEveryTaskOnce() async {
        let outer = 5, inner = 7
        let counts = TaskCounts(outer * inner)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    ParallelRanges.perform(outer) { i in
                        ParallelRanges.perform(inner) { j in counts.hit(i * inner + j) }
                    }
                }
            }
        }
        #expect(counts.values == [Int](repeating: 3, count: outer * inner))
    }

    /// libgomp keeps the team size per thread: a thread that calls into the kernels runs them on
    /// `DNNLKernels.threadCount` threads (`AVIARY_THREADS`) whatever it had before, not only the
    /// thread that first set up the engine.
    @Test func everyCallingThreadRunsTheConfiguredTeam() throws {
        final class Observed: @unchecked Sendable { var teamSizes: [Int32] = [] }
        let observed = Observed(), done = DispatchSemaphore(value: 0)
        let thread = Thread {
            omp_set_num_threads(Int32(DNNLKernels.threadCount + 3))
            let before = omp_get_max_threads()
            let x = randomTensor([1, 16, 8, 8], seed: 97), w = randomTensor([16, 16, 3, 3], seed: 98)
            let geometry = try! Conv2DOptions(padding: 1).resolve(op: "test", inputH: 8, inputW: 8, kernelH: 3, kernelW: 3)
            _ = try! DNNLKernels.shared.conv2dForward(input: x, weight: w, bias: nil, geometry: geometry)
            observed.teamSizes = [before, omp_get_max_threads()]
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(observed.teamSizes == [Int32(DNNLKernels.threadCount + 3), Int32(DNNLKernels.threadCount)])
    }
}

/// Per-task hit counts, written from the team's threads.
private final class TaskCounts: @unchecked Sendable {
    private var counts: [Int]
    private let lock = NSLock()
    init(_ tasks: Int) { counts = [Int](repeating: 0, count: tasks) }
    func hit(_ task: Int) { lock.withLock { counts[task] += 1 } }
    var values: [Int] { lock.withLock { counts } }
}
