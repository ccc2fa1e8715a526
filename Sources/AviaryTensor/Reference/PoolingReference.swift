/// Max and average pooling over NCHW, with the windows of `Conv2DGeometry` (kernel, stride, pads).
public enum PoolingReference {
    /// Max pooling; also returns the flat input index each output came from (for the backward pass).
    /// Padding never wins, as in PyTorch (padded cells count as -inf).
    public static func maxForward(input: Tensor, geometry g: Conv2DGeometry) -> (output: Tensor, argmax: [Int]) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var out = [Float](repeating: 0, count: n * c * g.outputH * g.outputW)
        var arg = [Int](repeating: 0, count: out.count)
        for plane in 0..<(n * c) {
            for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                var best = -Float.infinity, bestIndex = -1
                for kh in 0..<g.kernelH {
                    let ih = oh * g.strideH - g.padTop + kh * g.dilationH
                    if ih < 0 || ih >= h { continue }
                    for kw in 0..<g.kernelW {
                        let iw = ow * g.strideW - g.padLeft + kw * g.dilationW
                        if iw < 0 || iw >= w { continue }
                        let k = (plane * h + ih) * w + iw
                        if input.scalars[k] > best || bestIndex < 0 { best = input.scalars[k]; bestIndex = k }
                    }
                }
                let o = (plane * g.outputH + oh) * g.outputW + ow
                out[o] = best; arg[o] = bestIndex
            } }
        }
        return (Tensor(uncheckedShape: [n, c, g.outputH, g.outputW], scalars: out), arg)
    }

    public static func maxBackward(gradOutput: Tensor, argmax: [Int], inputShape: [Int]) -> Tensor {
        var grad = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (o, k) in argmax.enumerated() where k >= 0 { grad[k] += gradOutput.scalars[o] }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }

    /// Average pooling. `countIncludePad` divides by the full window (PyTorch's default) rather than
    /// by the cells inside the image.
    public static func averageForward(input: Tensor, geometry g: Conv2DGeometry, countIncludePad: Bool) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        var out = [Float](repeating: 0, count: n * c * g.outputH * g.outputW)
        for plane in 0..<(n * c) {
            for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                var sum: Float = 0
                let divisor = Float(averageDivisor(oh: oh, ow: ow, h: h, w: w, g: g, countIncludePad: countIncludePad))
                forEachCell(oh: oh, ow: ow, h: h, w: w, g: g) { ih, iw in sum += input.scalars[(plane * h + ih) * w + iw] }
                out[(plane * g.outputH + oh) * g.outputW + ow] = sum / divisor
            } }
        }
        return Tensor(uncheckedShape: [n, c, g.outputH, g.outputW], scalars: out)
    }

    public static func averageBackward(gradOutput: Tensor, inputShape: [Int], geometry g: Conv2DGeometry, countIncludePad: Bool) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        var grad = [Float](repeating: 0, count: n * c * h * w)
        for plane in 0..<(n * c) {
            for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                let share = gradOutput.scalars[(plane * g.outputH + oh) * g.outputW + ow]
                    / Float(averageDivisor(oh: oh, ow: ow, h: h, w: w, g: g, countIncludePad: countIncludePad))
                forEachCell(oh: oh, ow: ow, h: h, w: w, g: g) { ih, iw in grad[(plane * h + ih) * w + iw] += share }
            } }
        }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }

    private static func forEachCell(oh: Int, ow: Int, h: Int, w: Int, g: Conv2DGeometry, _ body: (Int, Int) -> Void) {
        for kh in 0..<g.kernelH {
            let ih = oh * g.strideH - g.padTop + kh
            if ih < 0 || ih >= h { continue }
            for kw in 0..<g.kernelW {
                let iw = ow * g.strideW - g.padLeft + kw
                if iw < 0 || iw >= w { continue }
                body(ih, iw)
            }
        }
    }

    private static func averageDivisor(oh: Int, ow: Int, h: Int, w: Int, g: Conv2DGeometry, countIncludePad: Bool) -> Int {
        let h0 = oh * g.strideH - g.padTop, w0 = ow * g.strideW - g.padLeft
        if countIncludePad {
            // PyTorch counts padding cells but not cells past the padded edge.
            let h1 = min(h0 + g.kernelH, h + g.padBottom), w1 = min(w0 + g.kernelW, w + g.padRight)
            return (h1 - h0) * (w1 - w0)
        }
        return (min(h0 + g.kernelH, h) - max(h0, 0)) * (min(w0 + g.kernelW, w) - max(w0, 0))
    }

    /// Mean over H and W: [N, C, H, W] → [N, C, 1, 1].
    public static func globalAverageForward(input: Tensor) -> Tensor {
        let (n, c) = (input.shape[0], input.shape[1]), hw = input.shape[2] * input.shape[3]
        var out = [Float](repeating: 0, count: n * c)
        for plane in 0..<(n * c) {
            var sum = 0.0
            for i in 0..<hw { sum += Double(input.scalars[plane * hw + i]) }
            out[plane] = Float(sum / Double(hw))
        }
        return Tensor(uncheckedShape: [n, c, 1, 1], scalars: out)
    }

    public static func globalAverageBackward(gradOutput: Tensor, inputShape: [Int]) -> Tensor {
        let hw = inputShape[2] * inputShape[3]
        var grad = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (plane, g) in gradOutput.scalars.enumerated() {
            let share = g / Float(hw)
            for i in 0..<hw { grad[plane * hw + i] = share }
        }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }

    /// `globalAverageForward` of channels-last data ([N, H, W, C] → [N, C, 1, 1]): each channel
    /// summed over the pixels in the same order, in Float64, so the result is the NCHW one exactly.
    public static func globalAverageChannelsLastForward(input: Tensor) -> Tensor {
        globalAverageChannelsLastForward(input: input) { images, body in body(0..<images) }
    }

    /// `globalAverageChannelsLastForward` with the images handed out by `split` (all at once
    /// here; `Variable.globalAvgPool2d` spreads them over the engine's threads). Each image is
    /// summed alone, in the same order, so every split gives the same bits.
    static func globalAverageChannelsLastForward(input: Tensor, split: (Int, @Sendable (Range<Int>) -> Void) -> Void) -> Tensor {
        let (n, c) = (input.shape[0], input.shape[3]), hw = input.shape[1] * input.shape[2]
        var out = [Float](repeating: 0, count: n * c)
        // No pixels: 0/0, as the reference gives.
        guard !input.scalars.isEmpty else { return Tensor(uncheckedShape: [n, c, 1, 1], scalars: [Float](repeating: .nan, count: n * c)) }
        input.scalars.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { o in
            nonisolated(unsafe) let x = x.baseAddress!, o = o.baseAddress!
            split(n) { images in
                for b in images { averagePixels(x + b * hw * c, pixels: hw, channels: c, into: o + b * c) }
            }
        } }
        return Tensor(uncheckedShape: [n, c, 1, 1], scalars: out)
    }

    /// The mean over `pixels` rows of `channels` floats, each channel summed in Float64 in pixel
    /// order: eight channels at a time in SIMD lanes (3× the scalar loop at batch 1), which adds
    /// the same numbers in the same order, so the bits do not change.
    private static func averagePixels(_ x: UnsafePointer<Float>, pixels: Int, channels c: Int, into out: UnsafeMutablePointer<Float>) {
        var ch = 0
        while ch + 8 <= c {
            var sum = SIMD8<Double>()
            for pixel in 0..<pixels { sum += SIMD8<Double>(UnsafeRawPointer(x + pixel * c + ch).loadUnaligned(as: SIMD8<Float>.self)) }
            UnsafeMutableRawPointer(out + ch).storeBytes(of: SIMD8<Float>(sum / Double(pixels)), as: SIMD8<Float>.self)
            ch += 8
        }
        for ch in ch..<c {
            var sum = 0.0
            for pixel in 0..<pixels { sum += Double(x[pixel * c + ch]) }
            out[ch] = Float(sum / Double(pixels))
        }
    }

    /// `globalAverageForward` of nChw16c data ([N, ⌈C/16⌉, H, W, 16] with `channels` real
    /// channels): each block averaged as a channels-last image of 16 channels, the padding lanes
    /// dropped, so the result is the NCHW one exactly too.
    public static func globalAverageBlocked16Forward(input: Tensor, channels: Int) -> Tensor {
        globalAverageBlocked16Forward(input: input, channels: channels) { images, body in body(0..<images) }
    }

    /// `globalAverageBlocked16Forward` with the blocks handed out by `split`.
    static func globalAverageBlocked16Forward(input: Tensor, channels: Int, split: (Int, @Sendable (Range<Int>) -> Void) -> Void) -> Tensor {
        let s = input.shape
        let lanes = globalAverageChannelsLastForward(input: Tensor(uncheckedShape: [s[0] * s[1], s[2], s[3], 16], scalars: input.scalars), split: split).scalars
        let out = (0..<s[0] * channels).map { i in lanes[(i / channels * s[1]) * 16 + i % channels] }
        return Tensor(uncheckedShape: [s[0], channels, 1, 1], scalars: out)
    }

    /// `globalAverageBackward` with the gradient laid out [N, H, W, C] like `inputShape`.
    public static func globalAverageChannelsLastBackward(gradOutput: Tensor, inputShape: [Int]) -> Tensor {
        let (n, c) = (inputShape[0], inputShape[3]), hw = inputShape[1] * inputShape[2]
        var grad = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let shares = gradOutput.scalars.map { $0 / Float(hw) }
        for b in 0..<n {
            for pixel in 0..<hw {
                let row = (b * hw + pixel) * c
                for ch in 0..<c { grad[row + ch] = shares[b * c + ch] }
            }
        }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }
}
