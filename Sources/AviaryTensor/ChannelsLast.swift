/// Fast NHWC ↔ NCHW conversions for the channels-last inference chain (the generic `permuted`
/// walks an index per element; these move whole tiles).
extension Tensor {
    /// [N, H, W, C] scalars to [N, C, H, W].
    func channelsLastToNCHW() -> Tensor {
        let n = shape[0], h = shape[1], w = shape[2], c = shape[3], hw = h * w
        var out = uninitializedScalars(count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.transpose(src.baseAddress!, dst.baseAddress!, batches: n, rows: hw, columns: c)
            }
        }
        return Tensor(uncheckedShape: [n, c, h, w], scalars: out)
    }

    /// [N, C, H, W] scalars to [N, H, W, C].
    func nchwToChannelsLast() -> Tensor {
        let n = shape[0], c = shape[1], h = shape[2], w = shape[3]
        var out = uninitializedScalars(count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.transpose(src.baseAddress!, dst.baseAddress!, batches: n, rows: c, columns: h * w)
            }
        }
        return Tensor(uncheckedShape: [n, h, w, c], scalars: out)
    }

    /// `batches` row-major [rows × columns] matrices transposed, in 32×32 tiles; the batches (or,
    /// for fewer batches than threads, the row tiles) split across the engine's threads.
    private static func transpose(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, batches: Int, rows: Int, columns: Int) {
        let tile = 32, plane = rows * columns, rowTiles = (rows + tile - 1) / tile
        nonisolated(unsafe) let src = src, dst = dst
        ParallelRanges.forEach(batches * rowTiles, grain: max(1, 16_384 / max(tile * columns, 1))) { range in
            for index in range {
                let b = index / rowTiles, r0 = (index % rowTiles) * tile, r1 = min(r0 + tile, rows)
                let s = src + b * plane, d = dst + b * plane
                for c0 in stride(from: 0, to: columns, by: tile) {
                    let c1 = min(c0 + tile, columns)
                    for r in r0..<r1 {
                        for c in c0..<c1 { d[c * rows + r] = s[r * columns + c] }
                    }
                }
            }
        }
    }
}
