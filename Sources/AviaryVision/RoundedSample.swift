/// Rounds a filtered value to an 8-bit sample: nearest, ties to even, clamped to 0...255.
/// Adding 1.5·2²³ leaves the rounded integer in the low mantissa bits: no libm call, no range
/// checks, so row loops vectorise (the checked `UInt8(Float)` cost as much as the filtering).
@inline(__always)
func roundedSample(_ value: Float) -> UInt8 {
    let clamped = Swift.min(Swift.max(value, 0), 255)
    return UInt8(truncatingIfNeeded: (clamped + 12_582_912).bitPattern)
}
