/// torchvision's `ColorJitter`: brightness, contrast, saturation and hue.
/// Each factor is drawn uniformly from [max(0, 1 − s), 1 + s], the hue shift from [−h, h] (a
/// fraction of the colour wheel, h ≤ 0.5); the four adjustments are applied in that fixed order
/// (torchvision shuffles the order; a fixed one keeps a seed's output easy to reason about).
/// Gray images get brightness and contrast only.
public struct ColorJitter: Sendable, Hashable {
    public var brightness: Double
    public var contrast: Double
    public var saturation: Double
    /// The largest hue shift, as a fraction of a full turn of the colour wheel: 0...0.5.
    public var hue: Double

    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) {
        precondition((0...0.5).contains(hue), "ColorJitter hue must lie in 0...0.5, as in torchvision")
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
    }

    /// The factors for one image, in the order brightness, contrast, saturation, hue. A strength of
    /// zero draws nothing, so adding an adjustment never changes the others' draws for a seed.
    public func factors(using generator: inout SeededGenerator)
        -> (brightness: Double, contrast: Double, saturation: Double, hue: Double)
    {
        func draw(_ strength: Double) -> Double {
            strength == 0 ? 1 : generator.uniform(max(0, 1 - strength), 1 + strength)
        }
        let b = draw(brightness), c = draw(contrast), s = draw(saturation)
        let h = hue == 0 ? 0 : generator.uniform(-hue, hue)
        return (b, c, s, h)
    }

    public func apply(to image: Image, using generator: inout SeededGenerator) -> Image {
        let f = factors(using: &generator)
        return Self.adjust(image, brightness: f.brightness, contrast: f.contrast, saturation: f.saturation, hue: f.hue)
    }

    /// The adjustments with given factors, as torchvision's functional ops define them:
    /// brightness blends with black, contrast with the mean luma of the whole image (each pixel's
    /// luma truncated to an integer first, as torchvision does for uint8), saturation with each pixel's own luma.
    /// Hue rotates each pixel's HSV hue, keeping its saturation and value.
    /// Each step clamps to 0...255 and keeps full precision until the final rounding.
    public static func adjust(_ image: Image, brightness: Double, contrast: Double, saturation: Double, hue: Double = 0) -> Image {
        let c = image.channels
        let colour = c >= 3
        var values = image.pixels.map(Double.init)
        func luma(_ i: Int) -> Double {
            colour ? 0.299 * values[i] + 0.587 * values[i + 1] + 0.114 * values[i + 2] : values[i]
        }
        func blend(_ value: Double, with other: Double, factor: Double) -> Double {
            min(255, max(0, factor * value + (1 - factor) * other))
        }
        let pixelCount = image.width * image.height
        let colourChannels = colour ? 3 : 1
        for p in 0..<pixelCount {
            for k in 0..<colourChannels { values[p * c + k] = blend(values[p * c + k], with: 0, factor: brightness) }
        }
        var lumaSum = 0.0
        for p in 0..<pixelCount { lumaSum += luma(p * c).rounded(.down) }
        let mean = lumaSum / Double(pixelCount)
        for p in 0..<pixelCount {
            for k in 0..<colourChannels { values[p * c + k] = blend(values[p * c + k], with: mean, factor: contrast) }
        }
        if colour {
            for p in 0..<pixelCount {
                let gray = luma(p * c)
                for k in 0..<3 { values[p * c + k] = blend(values[p * c + k], with: gray, factor: saturation) }
            }
            if hue != 0 {
                for p in 0..<pixelCount {
                    let i = p * c
                    (values[i], values[i + 1], values[i + 2]) = rotateHue(values[i], values[i + 1], values[i + 2], by: hue)
                }
            }
        }
        return Image(width: image.width, height: image.height, format: image.format,
                     pixels: values.map { UInt8(($0 + 0.5).rounded(.down)) })
    }

    /// Rotates the hue of one RGB pixel by `turns` of the colour wheel through HSV, as torchvision's
    /// `adjust_hue` does (hexcone model; grays, having no hue, stay as they are).
    static func rotateHue(_ r: Double, _ g: Double, _ b: Double, by turns: Double) -> (Double, Double, Double) {
        let maximum = max(r, g, b), minimum = min(r, g, b), chroma = maximum - minimum
        guard chroma > 0 else { return (r, g, b) }
        var h: Double
        if maximum == r { h = (g - b) / chroma }
        else if maximum == g { h = 2 + (b - r) / chroma }
        else { h = 4 + (r - g) / chroma }
        h = (h / 6 + turns).truncatingRemainder(dividingBy: 1)
        if h < 0 { h += 1 }
        let sector = h * 6, whole = sector.rounded(.down), f = sector - whole
        let v = maximum, s = chroma / maximum
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch Int(whole) % 6 {
        case 0: return (v, t, p)
        case 1: return (q, v, p)
        case 2: return (p, v, t)
        case 3: return (p, q, v)
        case 4: return (t, p, v)
        default: return (v, p, q)
        }
    }
}
