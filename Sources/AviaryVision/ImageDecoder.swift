import Foundation

/// Decodes JPEG and PNG by content, never by extension. Keeps its TurboJPEG handles between calls,
/// so reuse one decoder for many images on one thread; create one per thread for parallel work.
public final class ImageDecoder {
    private let jpeg = JPEGCodec()

    public init() {}

    /// Decodes `bytes`; `name` (a path or any label) is what errors report.
    public func decode(_ bytes: [UInt8], name: String, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try bytes.withUnsafeBytes { buffer in try decode(buffer, name: name, options: options) }
    }

    public func decode(_ data: Data, name: String, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try data.withUnsafeBytes { buffer in try decode(buffer, name: name, options: options) }
    }

    public func decode(_ bytes: UnsafeRawBufferPointer, name: String,
                       options: DecodeOptions = DecodeOptions()) throws -> Image {
        guard !bytes.isEmpty else { throw ImageError(source: name, reason: .truncated(detail: "the file is empty")) }
        switch ImageFormat.sniff(bytes) {
        case .jpeg: return try jpeg.decode(bytes, name: name, options: options)
        case .png: return try PNGCodec.decode(bytes, name: name, options: options)
        case let other?:
            throw ImageError(source: name, reason: .unsupportedFormat(detail: "the content is \(other.rawValue)"))
        case nil:
            throw ImageError(source: name, reason: .unsupportedFormat(detail: "the content is neither JPEG nor PNG"))
        }
    }

    /// Reads and decodes the file at `path`.
    public func decodeFile(atPath path: String, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try decode(try readFile(atPath: path), name: path, options: options)
    }

    /// Encodes as baseline JPEG (4:2:0 for colour); alpha is dropped.
    public func encodeJPEG(_ image: Image, quality: Int = 90, name: String = "image") throws -> [UInt8] {
        try jpeg.encode(image, quality: quality, name: name)
    }

    /// Encodes as 8-bit PNG of the image's own format. `compressionLevel` is zlib's 0...9.
    public func encodePNG(_ image: Image, compressionLevel: Int = 6, name: String = "image") throws -> [UInt8] {
        try PNGCodec.encode(image, name: name, compressionLevel: compressionLevel)
    }
}

/// Reads a whole file, reporting failures as `ImageError.unreadable` with the path.
func readFile(atPath path: String) throws -> Data {
    do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
    } catch {
        throw ImageError(source: path, reason: .unreadable(detail: error.localizedDescription))
    }
}
