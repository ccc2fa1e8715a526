/// Precomputed taps for one axis of a separable resize: for every output index in a range, the
/// first source index, how many taps follow and their normalised weights. Computing them once per
/// axis (instead of per pixel) is what makes the fast path fast.
struct ResampleWeights {
    private(set) var starts: [Int] = []
    private(set) var counts: [Int] = []
    /// `maxTaps` weights per output index, zero-padded.
    private(set) var weights: [Float] = []
    let maxTaps: Int

    /// Lowest and highest-plus-one source index any tap reads.
    var sourceRange: Range<Int> {
        var low = Int.max, high = 0
        for (start, count) in zip(starts, counts) {
            low = Swift.min(low, start)
            high = Swift.max(high, start + count)
        }
        return low == Int.max ? 0..<0 : low..<high
    }

    init(filter: ResizeFilter, inputLength: Int, outputLength: Int, outputRange: Range<Int>) {
        let scale = Double(inputLength) / Double(outputLength)
        switch filter {
        case .bilinear: maxTaps = 2
        case .antialiased: maxTaps = Int((max(scale, 1) * 2).rounded(.up)) + 2
        case .area: maxTaps = (inputLength + outputLength - 1) / outputLength + 1
        }
        starts.reserveCapacity(outputRange.count)
        counts.reserveCapacity(outputRange.count)
        weights = [Float](repeating: 0, count: outputRange.count * maxTaps)
        var scratch = [Double](repeating: 0, count: maxTaps)
        for (row, index) in outputRange.enumerated() {
            let (start, count): (Int, Int)
            switch filter {
            case .bilinear:
                (start, count) = Self.bilinearTaps(index, scale: scale, inputLength: inputLength, into: &scratch)
            case .antialiased:
                (start, count) = Self.triangleTaps(index, scale: scale, inputLength: inputLength, into: &scratch)
            case .area:
                start = index * inputLength / outputLength
                count = ((index + 1) * inputLength + outputLength - 1) / outputLength - start
                for k in 0..<count { scratch[k] = 1 / Double(count) }
            }
            starts.append(start)
            counts.append(count)
            for k in 0..<count { weights[row * maxTaps + k] = Float(scratch[k]) }
        }
    }

    private static func bilinearTaps(_ index: Int, scale: Double, inputLength: Int, into weights: inout [Double]) -> (Int, Int) {
        let centre = max((Double(index) + 0.5) * scale - 0.5, 0)
        let left = min(Int(centre), inputLength - 1)
        let fraction = centre - Double(left)
        if left + 1 >= inputLength {
            weights[0] = 1
            return (left, 1)
        }
        weights[0] = 1 - fraction
        weights[1] = fraction
        return (left, 2)
    }

    /// Pillow's `precompute_coeffs` with the triangle filter (support 1), widened by the shrink factor.
    private static func triangleTaps(_ index: Int, scale: Double, inputLength: Int, into weights: inout [Double]) -> (Int, Int) {
        let filterScale = max(scale, 1)
        let support = filterScale
        let centre = (Double(index) + 0.5) * scale
        let low = max(Int((centre - support + 0.5).rounded(.towardZero)), 0)
        let high = min(Int((centre + support + 0.5).rounded(.towardZero)), inputLength)
        var total = 0.0
        for source in low..<high {
            let weight = max(0, 1 - abs((Double(source) - centre + 0.5) / filterScale))
            weights[source - low] = weight
            total += weight
        }
        if total > 0 { for k in 0..<(high - low) { weights[k] /= total } }
        return (low, high - low)
    }
}
