/// Why an image could not be read or written. Always names the file (a path, or the name the caller
/// gave for in-memory bytes) and says how to get past the problem.
public struct ImageError: Error, CustomStringConvertible, Hashable, Sendable {
    public enum Reason: Hashable, Sendable {
        /// The bytes stop before the image does (an interrupted download or copy).
        case truncated(detail: String)
        /// The bytes are damaged: a bad checksum, an impossible marker, a broken stream.
        case corrupt(detail: String)
        /// The content is not JPEG or PNG (named when recognised, e.g. "GIF").
        case unsupportedFormat(detail: String)
        /// The declared size exceeds the decoder's pixel limit (a decompression bomb or a huge scan).
        case tooManyPixels(width: Int, height: Int, limit: Int)
        /// The file could not be opened or read.
        case unreadable(detail: String)
        /// Encoding failed or the caller asked for something impossible.
        case invalidRequest(detail: String)
    }

    /// The file path, or the caller's name for in-memory bytes.
    public let source: String
    public let reason: Reason

    public init(source: String, reason: Reason) {
        self.source = source
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .truncated(let detail):
            "\(source): truncated image (\(detail)). Copy or download the file again; the original is likely complete."
        case .corrupt(let detail):
            "\(source): corrupt image data (\(detail)). Re-export the image, or drop it from the dataset."
        case .unsupportedFormat(let detail):
            "\(source): unsupported image format (\(detail)). Convert it to JPEG or PNG."
        case .tooManyPixels(let width, let height, let limit):
            "\(source): \(width)x\(height) is \(width * height) pixels, over the limit of \(limit). "
                + "Downscale the image, or raise DecodeOptions.maxPixels if the file is trusted."
        case .unreadable(let detail):
            "\(source): cannot read the file (\(detail)). Check the path and its permissions."
        case .invalidRequest(let detail):
            "\(source): \(detail)."
        }
    }
}
