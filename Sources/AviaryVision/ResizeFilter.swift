/// How `resized` computes each output pixel. Conventions follow the libraries datasets are
/// usually prepared with, so that a model trained here sees what it would see there:
/// - `bilinear`: PyTorch `F.interpolate(mode: "bilinear", align_corners: false, antialias: false)`.
///   Pixel centres at +0.5, two taps per axis, edges clamped. Aliases badly when shrinking by more than 2×.
/// - `antialiased`: Pillow's `Image.resize(BILINEAR)` (the same as torchvision's default
///   `antialias=True`): a triangle filter whose support widens with the shrink factor, so every
///   source pixel contributes. Equals `bilinear` when enlarging.
/// - `area`: PyTorch `adaptive_avg_pool2d` / `mode="area"`: each output is the plain mean of the
///   source rectangle `[floor(i·in/out), ceil((i+1)·in/out))` on each axis.
/// Results round half up to 8 bits.
public enum ResizeFilter: Sendable, Hashable, CaseIterable {
    case bilinear
    case antialiased
    case area
}

/// A rectangle of pixels: origin at the top-left corner.
public struct PixelRect: Sendable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var description: String { "\(width)x\(height)+\(x)+\(y)" }
}

/// Rounds a filtered value to an 8-bit sample: half up, clamped to 0...255.
@inline(__always)
func roundedSample(_ value: Float) -> UInt8 {
    // Clamp first, then truncate: for non-negative values truncation is floor, and it is one
    // instruction, where rounded(.down) is a libm call on baseline x86-64.
    let clamped = value < 0 ? 0 : (value > 255 ? 255 : value)
    return UInt8(clamped + 0.5)
}
