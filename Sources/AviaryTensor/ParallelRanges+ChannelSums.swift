/// Per-column sums of a tall [rows, channels] matrix on the engine's threads: batch norm's
/// statistics, a 1×1 convolution's bias gradient and a depthwise layer's weight gradient, all
/// over the pixel (or output) rows of a batch.
extension ParallelRanges {
    /// Per-channel sums over all rows: `add(row, acc)` adds one row into `channels` Float lanes;
    /// every `block` rows the lanes are moved into Float64 totals, so long sums keep their precision.
    /// `add` may use the `channels` floats past the accumulator's end as scratch.
    static func channelSums(rows: Int, channels: Int, block: Int, _ add: @escaping @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let t = max(1, min(DNNLKernels.threadCount, rows / block))
        var totals = [Double](repeating: 0, count: t * channels)
        totals.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let pt = tb.baseAddress!
            let work: @Sendable (Int) -> Void = { i in
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: 2 * channels)
                defer { acc.deallocate() }
                let total = pt + i * channels
                var row = rows * i / t
                let end = rows * (i + 1) / t
                while row < end {
                    acc.initialize(repeating: 0, count: channels)
                    let stop = min(row + block, end)
                    while row < stop { add(row, acc); row += 1 }
                    for ch in 0..<channels { total[ch] += Double(acc[ch]) }
                }
            }
            perform(t, work)
        }
        var result = [Double](repeating: 0, count: channels)
        for i in 0..<t { for ch in 0..<channels { result[ch] += totals[i * channels + ch] } }
        return result
    }

    /// The column sums of a row-major [rows, columns] matrix, in Float.
    static func columnSums(of matrix: [Float], columns: Int) -> [Float] {
        guard !matrix.isEmpty else { return [Float](repeating: 0, count: columns) }
        return matrix.withUnsafeBufferPointer { mb in
            nonisolated(unsafe) let pm = mb.baseAddress!
            return channelSums(rows: matrix.count / max(columns, 1), channels: columns, block: 64) { row, acc in
                let r = pm + row * columns
                for j in 0..<columns { acc[j] += r[j] }
            }.map { Float($0) }
        }
    }
}
