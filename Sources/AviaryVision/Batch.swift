/// A batch ready for the engine: samples stacked as planar Float `[N, C, H, W]`, row-major.
/// Kept a plain struct so AviaryVision needs no tensor library; the engine wraps `values`.
public struct Batch: Sendable, Hashable {
    /// [N, C, H, W]; N counts only the samples that loaded.
    public let shape: [Int]
    public let values: [Float]
    public let labels: [Int]
    /// Dataset indices of the samples, in batch order.
    public let indices: [Int]
    /// Samples of this batch that could not be used, and why. They are left out, not retried.
    public let skipped: [SampleFailure]
    /// Position of this batch in the epoch.
    public let position: Int
}
