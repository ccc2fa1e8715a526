/// torchvision's `ColorJitter` for brightness, contrast and saturation (hue is not offered).
/// Each factor is drawn uniformly from [max(0, 1 − s), 1 + s]; the three adjustments are applied
/// in that fixed order (torchvision shuffles the order; a fixed one keeps a seed's output easy to
/// reason about). Gray images get brightness and contrast only.
public struct ColorJitter: Sendable, Hashable {
    public var brightness: Double
    public var contrast: Double
    public var saturation: Double

    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0) {
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
    }

    /// The factors for one image, in the order brightness, contrast, saturation.
    public func factors(using generator: inout SeededGenerator) -> (brightness: Double, contrast: Double, saturation: Double) {
        func draw(_ strength: Double) -> Double {
            strength == 0 ? 1 : generator.uniform(max(0, 1 - strength), 1 + strength)
        }
        let b = draw(brightness), c = draw(contrast), s = draw(saturation)
        return (b, c, s)
    }

    public func apply(to image: Image, using generator: inout SeededGenerator) -> Image {
        let f = factors(using: &generator)
        return Self.adjust(image, brightness: f.brightness, contrast: f.contrast, saturation: f.saturation)
    }

    /// The adjustments with given factors, as torchvision's functional ops define them:
    /// brightness blends with black, contrast with the mean luma of the whole image (each pixel's
    /// luma truncated to an integer first, as torchvision does for uint8), saturation with each pixel's own luma.
    /// Each step clamps to 0...255 and keeps full precision until the final rounding.
    public static func adjust(_ image: Image, brightness: Double, contrast: Double, saturation: Double) -> Image {
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
        }
        return Image(width: image.width, height: image.height, format: image.format,
                     pixels: values.map { UInt8(($0 + 0.5).rounded(.down)) })
    }
}
