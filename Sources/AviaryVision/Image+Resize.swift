extension Image {
    /// The image scaled to `size` with `filter` (see `ResizeFilter` for the conventions).
    public func resized(to size: Size, filter: ResizeFilter = .antialiased) -> Image {
        resized(to: size, filter: filter, keeping: PixelRect(x: 0, y: 0, width: size.width, height: size.height))
    }

    /// The part `crop` of the image scaled to `size`, computing only the pixels inside `crop`: the
    /// usual resize-then-centre-crop costs the crop's area, not the whole resized image's.
    public func resized(to size: Size, filter: ResizeFilter, keeping crop: PixelRect) -> Image {
        precondition(size.width > 0 && size.height > 0, "resize target must be positive, got \(size)")
        precondition(crop.x >= 0 && crop.y >= 0 && crop.width > 0 && crop.height > 0
                     && crop.x + crop.width <= size.width && crop.y + crop.height <= size.height,
                     "crop \(crop) must lie inside the resized \(size)")
        let horizontal = ResampleWeights(filter: filter, inputLength: width, outputLength: size.width,
                                         outputRange: crop.x..<(crop.x + crop.width))
        let vertical = ResampleWeights(filter: filter, inputLength: height, outputLength: size.height,
                                       outputRange: crop.y..<(crop.y + crop.height))
        let rows = vertical.sourceRange
        let c = channels
        let rowLength = crop.width * c
        // Pass 1: each source row the vertical taps need, filtered horizontally, kept in Float.
        var intermediate = [Float](repeating: 0, count: rows.count * rowLength)
        pixels.withUnsafeBufferPointer { source in
            intermediate.withUnsafeMutableBufferPointer { rowsOut in
                horizontal.weights.withUnsafeBufferPointer { weights in
                    for row in rows {
                        let sourceRow = source.baseAddress! + row * width * c
                        let outRow = rowsOut.baseAddress! + (row - rows.lowerBound) * rowLength
                        filterRow(sourceRow, into: outRow, channels: c, weights: weights.baseAddress!, taps: horizontal)
                    }
                }
            }
        }
        // Pass 2: vertical taps across whole rows (contiguous, so it vectorises).
        var out = [UInt8](repeating: 0, count: crop.height * rowLength)
        var accumulator = [Float](repeating: 0, count: rowLength)
        intermediate.withUnsafeBufferPointer { rowsIn in
            out.withUnsafeMutableBufferPointer { destination in
                accumulator.withUnsafeMutableBufferPointer { sum in
                    for outputRow in 0..<crop.height {
                        for i in 0..<rowLength { sum[i] = 0 }
                        let first = vertical.starts[outputRow] - rows.lowerBound
                        for k in 0..<vertical.counts[outputRow] {
                            let weight = vertical.weights[outputRow * vertical.maxTaps + k]
                            let rowIn = rowsIn.baseAddress! + (first + k) * rowLength
                            for i in 0..<rowLength { sum[i] += weight * rowIn[i] }
                        }
                        let rowOut = destination.baseAddress! + outputRow * rowLength
                        for i in 0..<rowLength { rowOut[i] = roundedSample(sum[i]) }
                    }
                }
            }
        }
        return Image(width: crop.width, height: crop.height, format: format, pixels: out)
    }
}

/// One row through the horizontal taps, specialised by channel count so the inner loop has no
/// channel loop of its own.
@inline(__always)
private func filterRow(_ source: UnsafePointer<UInt8>, into output: UnsafeMutablePointer<Float>, channels: Int,
                       weights: UnsafePointer<Float>, taps: ResampleWeights) {
    let maxTaps = taps.maxTaps
    for x in 0..<taps.starts.count {
        let w = weights + x * maxTaps
        let count = taps.counts[x]
        let p = source + taps.starts[x] * channels
        switch channels {
        case 1:
            var s0: Float = 0
            for k in 0..<count { s0 += w[k] * Float(p[k]) }
            output[x] = s0
        case 3:
            var s0: Float = 0, s1: Float = 0, s2: Float = 0
            for k in 0..<count {
                let q = p + k * 3
                s0 += w[k] * Float(q[0]); s1 += w[k] * Float(q[1]); s2 += w[k] * Float(q[2])
            }
            output[x * 3] = s0; output[x * 3 + 1] = s1; output[x * 3 + 2] = s2
        default:
            for channel in 0..<channels {
                var s: Float = 0
                for k in 0..<count { s += w[k] * Float(p[k * channels + channel]) }
                output[x * channels + channel] = s
            }
        }
    }
}

