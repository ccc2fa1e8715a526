import CDNNL

/// Splits `0..<count` into one contiguous range per engine thread and runs `body` on each at once
/// (elementwise work only: every element is computed the same way whatever the split).
/// Memory-bound passes (layout transposes, gradient sums, batch norm rows) ran on one core while
/// the other waited for the next oneDNN call: about a tenth of a ResNet-18 training step.
public enum ParallelRanges {
    /// Ranges shorter than `grain` are not worth a thread: small tensors run inline.
    public static func forEach(_ count: Int, grain: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let threads = max(1, min(DNNLKernels.threadCount, count / max(grain, 1)))
        if threads == 1 {
            body(0..<count)
            return
        }
        perform(threads) { i in body((count * i / threads)..<(count * (i + 1) / threads)) }
    }

    /// Runs `body(0)` … `body(tasks − 1)` at once on the engine's threads and returns when all are
    /// done.
    ///
    /// The threads are oneDNN's own OpenMP team (libgomp's `GOMP_parallel`), not a second pool:
    /// between two oneDNN calls its workers wait for the next parallel region, spinning for a
    /// while under libgomp's default policy. Work handed to another pool (Dispatch, until
    /// 2026-12-03) found them spinning on the cores it needed, and woke sleeping threads of its
    /// own; here the spinning worker takes it at once.
    public static func perform(_ tasks: Int, _ body: @Sendable (Int) -> Void) {
        guard tasks > 1 else {
            if tasks == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = Job(tasks: tasks, body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                // Each team thread takes tasks thread, thread + team size, …: libgomp may give a
                // smaller team than asked (nested regions, thread limits).
                GOMP_parallel({ raw in
                    let job = raw!.assumingMemoryBound(to: Job.self)
                    let team = Int(omp_get_num_threads())
                    var task = Int(omp_get_thread_num())
                    while task < job.pointee.tasks {
                        job.pointee.body(task)
                        task += team
                    }
                }, pointer, UInt32(min(tasks, DNNLKernels.threadCount)), 0)
            }
        }
    }

    private struct Job {
        let tasks: Int
        let body: @Sendable (Int) -> Void
    }
}
