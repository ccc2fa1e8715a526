/// Precomputed taps for one axis of a separable resize: for every output index in a range, the
/// first source index, how many taps follow and their normalised weights. Computing them once per
/// axis (instead of per pixel) is what makes the fast path fast.
struct ResampleWeights {
    let starts: [Int]
    let counts: [Int]
    /// `maxTaps` weights per output index, zero-padded.
    let weights: [Float]
    let maxTaps: Int

    /// Lowest and highest-plus-one source index any tap reads.
    var sourceRange: Range<Int> {
        let low = starts.min() ?? 0
        let high = zip(starts, counts).map { $0 + $1 }.max() ?? 0
        return low..<high
    }

    init(filter: ResizeFilter, inputLength: Int, outputLength: Int, outputRange: Range<Int>) {
        let scale = Double(inputLength) / Double(outputLength)
        var taps: [(start: Int, weights: [Double])] = []
        taps.reserveCapacity(outputRange.count)
        for index in outputRange {
            switch filter {
            case .bilinear:
                taps.append(Self.bilinearTaps(index, scale: scale, inputLength: inputLength))
            case .antialiased:
                taps.append(Self.triangleTaps(index, scale: scale, inputLength: inputLength))
            case .area:
                let start = index * inputLength / outputLength
                let end = ((index + 1) * inputLength + outputLength - 1) / outputLength
                taps.append((start, Array(repeating: 1.0 / Double(end - start), count: end - start)))
            }
        }
        let maxTaps = taps.map(\.weights.count).max() ?? 1
        var weights = [Float](repeating: 0, count: taps.count * maxTaps)
        for (row, tap) in taps.enumerated() {
            for (k, weight) in tap.weights.enumerated() { weights[row * maxTaps + k] = Float(weight) }
        }
        self.starts = taps.map(\.start)
        self.counts = taps.map(\.weights.count)
        self.weights = weights
        self.maxTaps = maxTaps
    }

    private static func bilinearTaps(_ index: Int, scale: Double, inputLength: Int) -> (Int, [Double]) {
        let centre = max((Double(index) + 0.5) * scale - 0.5, 0)
        let left = min(Int(centre), inputLength - 1)
        let fraction = centre - Double(left)
        if left + 1 >= inputLength { return (left, [1]) }
        return (left, [1 - fraction, fraction])
    }

    /// Pillow's `precompute_coeffs` with the triangle filter (support 1), widened by the shrink factor.
    private static func triangleTaps(_ index: Int, scale: Double, inputLength: Int) -> (Int, [Double]) {
        let filterScale = max(scale, 1)
        let support = filterScale
        let centre = (Double(index) + 0.5) * scale
        let low = max(Int((centre - support + 0.5).rounded(.towardZero)), 0)
        let high = min(Int((centre + support + 0.5).rounded(.towardZero)), inputLength)
        var weights = (low..<high).map { source in
            max(0, 1 - abs((Double(source) - centre + 0.5) / filterScale))
        }
        let total = weights.reduce(0, +)
        if total > 0 { weights = weights.map { $0 / total } }
        return (low, weights)
    }
}
