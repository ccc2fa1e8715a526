/// What a decoder should produce. The defaults suit training: alpha dropped, gray kept as gray,
/// EXIF orientation applied, and a pixel limit that stops decompression bombs.
public struct DecodeOptions: Sendable, Hashable {
    /// Whether an alpha channel survives decoding. `.drop` discards it (no compositing), as Pillow's
    /// `convert("RGB")` does; `.keep` yields RGBA (gray+alpha becomes RGBA).
    public enum Alpha: Sendable, Hashable { case drop, keep }

    /// `.native` keeps gray sources gray; `.rgb` always yields RGB (or RGBA when alpha is kept).
    public enum Color: Sendable, Hashable { case native, rgb }

    public var alpha: Alpha
    public var color: Color
    /// The most pixels (width × height of the source) a decoder will allocate for. Default 64 Mpx.
    public var maxPixels: Int
    /// When set, a JPEG may be decoded smaller (DCT-domain scaling) as long as both sides stay at
    /// least this large after orientation. Decoding a 4000×3000 photo at 1/8 is ~20× cheaper than
    /// decoding it whole and shrinking it.
    public var minimumSize: Size?
    /// Also allow libjpeg-turbo's M/8 factors (3/8, 5/8, 3/4, 7/8), not only 1/2, 1/4 and 1/8.
    public var allowsFractionalScaling: Bool
    /// Rotate/flip JPEGs as their EXIF orientation tag says, as every photo viewer does.
    public var appliesOrientation: Bool

    public static let defaultMaxPixels = 64 * 1024 * 1024

    public init(alpha: Alpha = .drop, color: Color = .native, maxPixels: Int = DecodeOptions.defaultMaxPixels,
                minimumSize: Size? = nil, allowsFractionalScaling: Bool = false, appliesOrientation: Bool = true) {
        self.alpha = alpha
        self.color = color
        self.maxPixels = maxPixels
        self.minimumSize = minimumSize
        self.allowsFractionalScaling = allowsFractionalScaling
        self.appliesOrientation = appliesOrientation
    }
}
