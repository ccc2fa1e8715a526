/// How an inference chain's activations lie in memory between convolutions. Callers always see
/// NCHW (`Variable.value` converts); the other two exist so that a backend's kernels can hand
/// their results to each other as they are.
///
/// `blocked16` is oneDNN's nChw16c: [N, ⌈C/16⌉, H, W, 16], channel c of a pixel in block c / 16,
/// lane c % 16, the lanes past C zero. oneDNN's AVX-512 depthwise and 1×1 kernels for it ran
/// EfficientNet-Lite0's layers 1.1–2.6× faster than its NHWC ones (`Benchmarks/EngineBench`'s
/// layer table in docs/engine.md), and Winograd reads and writes nothing else.
public enum ActivationLayout: Hashable, Sendable {
    case nchw, nhwc, blocked16

    /// The logical [N, C, H, W] of scalars shaped `physical` in this layout, with `channels` channels.
    func logicalShape(_ physical: [Int], channels: Int) -> [Int] {
        switch self {
        case .nchw: physical
        case .nhwc: [physical[0], physical[3], physical[1], physical[2]]
        case .blocked16: [physical[0], channels, physical[2], physical[3]]
        }
    }

    /// The scalars' shape for a logical [N, C, H, W].
    func physicalShape(_ nchw: [Int]) -> [Int] {
        switch self {
        case .nchw: nchw
        case .nhwc: [nchw[0], nchw[2], nchw[3], nchw[1]]
        case .blocked16: [nchw[0], (nchw[1] + 15) / 16, nchw[2], nchw[3], 16]
        }
    }
}

extension Tensor {
    /// nChw16c scalars ([N, ⌈C/16⌉, H, W, 16]) of `channels` real channels, as NCHW.
    func blocked16ToNCHW(channels: Int) -> Tensor {
        let n = shape[0], hw = shape[2] * shape[3]
        var out = uninitializedScalars(n * channels * hw)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.moveBlocks(plain: dst.baseAddress!, blocked: UnsafeMutablePointer(mutating: src.baseAddress!), images: n, channels: channels, pixels: hw, toBlocked: false)
            }
        }
        return Tensor(uncheckedShape: [n, channels, shape[2], shape[3]], scalars: out)
    }

    /// NCHW scalars as nChw16c, the padding lanes zero.
    func nchwToBlocked16() -> Tensor {
        let n = shape[0], channels = shape[1], hw = shape[2] * shape[3], blocks = (channels + 15) / 16
        var out = [Float](repeating: 0, count: n * blocks * hw * 16)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                Tensor.moveBlocks(plain: UnsafeMutablePointer(mutating: src.baseAddress!), blocked: dst.baseAddress!, images: n, channels: channels, pixels: hw, toBlocked: true)
            }
        }
        return Tensor(uncheckedShape: [n, blocks, shape[2], shape[3], 16], scalars: out)
    }

    /// Copies each image's block of 16 channel planes to its nChw16c chunks (`toBlocked`) or back;
    /// the (image, block) pairs split across the engine's threads. The side read is not written.
    private static func moveBlocks(plain: UnsafeMutablePointer<Float>, blocked: UnsafeMutablePointer<Float>, images n: Int, channels: Int, pixels hw: Int, toBlocked: Bool) {
        let blocks = (channels + 15) / 16
        nonisolated(unsafe) let plain = plain, blocked = blocked
        ParallelRanges.forEach(n * blocks, grain: 1) { range in
            for index in range {
                let image = index / blocks, block = index % blocks, lanes = min(16, channels - block * 16)
                let planes = plain + (image * channels + block * 16) * hw, chunks = blocked + index * hw * 16
                for pixel in 0..<hw {
                    if toBlocked {
                        for lane in 0..<lanes { chunks[pixel * 16 + lane] = planes[lane * hw + pixel] }
                    } else {
                        for lane in 0..<lanes { planes[lane * hw + pixel] = chunks[pixel * 16 + lane] }
                    }
                }
            }
        }
    }

    /// These scalars, laid out as `from` for the logical [N, C, H, W] `nchw`, laid out as `to`.
    func relaid(_ nchw: [Int], from: ActivationLayout, to: ActivationLayout) -> Tensor {
        guard from != to else { return self }
        let plain: Tensor = switch from {
        case .nchw: self
        case .nhwc: channelsLastToNCHW()
        case .blocked16: blocked16ToNCHW(channels: nchw[1])
        }
        switch to {
        case .nchw: return plain
        case .nhwc: return plain.nchwToChannelsLast()
        case .blocked16: return plain.nchwToBlocked16()
        }
    }
}
