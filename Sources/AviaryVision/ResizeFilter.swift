/// How `resized` computes each output pixel. Conventions follow the libraries datasets are
/// usually prepared with, so that a model trained here sees what it would see there:
/// - `bilinear`: PyTorch `F.interpolate(mode: "bilinear", align_corners: false, antialias: false)`.
///   Pixel centres at +0.5, two taps per axis, edges clamped. Aliases badly when shrinking by more than 2×.
/// - `antialiased`: Pillow's `Image.resize(BILINEAR)` (the same as torchvision's default
///   `antialias=True`): a triangle filter whose support widens with the shrink factor, so every
///   source pixel contributes. Equals `bilinear` when enlarging.
/// - `area`: PyTorch `adaptive_avg_pool2d` / `mode="area"`: each output is the plain mean of the
///   source rectangle `[floor(i·in/out), ceil((i+1)·in/out))` on each axis.
/// Results round to the nearest 8-bit value, ties to even.
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

/// Rounds a filtered value to an 8-bit sample: nearest, ties to even, clamped to 0...255.
/// Adding 1.5·2²³ leaves the rounded integer in the low mantissa bits: no libm call, no range
/// checks, so row loops vectorise (the checked `UInt8(Float)` cost as much as the filtering).
@inline(__always)
func roundedSample(_ value: Float) -> UInt8 {
    let clamped = Swift.min(Swift.max(value, 0), 255)
    return UInt8(truncatingIfNeeded: (clamped + 12_582_912).bitPattern)
}
