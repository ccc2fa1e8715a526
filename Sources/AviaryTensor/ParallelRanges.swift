import Foundation

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
        DispatchQueue.concurrentPerform(iterations: threads) { i in body((count * i / threads)..<(count * (i + 1) / threads)) }
    }
}
