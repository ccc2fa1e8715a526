/// How the samples of a pixel are laid out. Decoders produce 8-bit gray, RGB or RGBA only, so that
/// every transform handles three layouts instead of every combination a file format can express:
/// gray+alpha becomes gray (alpha dropped) or RGBA (alpha kept), palettes become RGB(A), CMYK becomes RGB.
public enum PixelFormat: Int, Sendable, Hashable, CustomStringConvertible {
    case gray = 1
    case rgb = 3
    case rgba = 4

    public var channels: Int { rawValue }

    public var description: String {
        switch self {
        case .gray: "gray"
        case .rgb: "RGB"
        case .rgba: "RGBA"
        }
    }
}

/// An 8-bit image, rows top to bottom, samples interleaved (HWC), no row padding.
public struct Image: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public var pixels: [UInt8]

    public var channels: Int { format.channels }

    public init(width: Int, height: Int, format: PixelFormat, pixels: [UInt8]) {
        precondition(width > 0 && height > 0, "an image needs at least one pixel, got \(width)x\(height)")
        precondition(pixels.count == width * height * format.channels,
                     "\(width)x\(height) \(format) needs \(width * height * format.channels) samples, got \(pixels.count)")
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// An image filled with one colour; `value` has one sample per channel.
    public init(width: Int, height: Int, format: PixelFormat, filledWith value: [UInt8]) {
        precondition(value.count == format.channels, "fill colour needs \(format.channels) samples")
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * format.channels)
        for _ in 0..<(width * height) { pixels.append(contentsOf: value) }
        self.init(width: width, height: height, format: format, pixels: pixels)
    }

    /// The samples of the pixel at column `x`, row `y`.
    public func pixel(x: Int, y: Int) -> [UInt8] {
        let start = (y * width + x) * channels
        return Array(pixels[start..<(start + channels)])
    }
}
