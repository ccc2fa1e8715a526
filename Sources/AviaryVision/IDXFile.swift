import CImageCodecs
import Foundation

/// An IDX file (the MNIST / Fashion-MNIST container): magic `00 00 08 NN` (unsigned bytes, NN
/// dimensions), big-endian UInt32 sizes, then the samples. Read raw or gzipped.
public struct IDXFile: Sendable, Hashable {
    /// Dimension sizes, e.g. [60000, 28, 28] for images or [60000] for labels.
    public let dimensions: [Int]
    public let data: [UInt8]

    public var count: Int { dimensions.first ?? 0 }

    /// The largest file this reader inflates (Fashion-MNIST train images are 47 MB).
    public static let maxBytes = 1 << 30

    public init(dimensions: [Int], data: [UInt8]) {
        self.dimensions = dimensions
        self.data = data
    }

    public init(contentsOfFile path: String) throws {
        let bytes = try readFile(atPath: path)
        try self.init(bytes: [UInt8](bytes), name: path)
    }

    /// Parses `bytes` (gzip detected by its magic `1F 8B`); `name` is what errors report.
    public init(bytes: [UInt8], name: String) throws {
        let raw = bytes.starts(with: [0x1F, 0x8B]) ? try Self.gunzip(bytes, name: name) : bytes
        guard raw.count >= 4 else { throw IDXError(source: name, problem: .tooShort(raw.count)) }
        guard raw[0] == 0, raw[1] == 0 else {
            throw IDXError(source: name, problem: .badMagic(Array(raw[0..<4])))
        }
        guard raw[2] == 0x08 else { throw IDXError(source: name, problem: .unsupportedType(raw[2])) }
        let rank = Int(raw[3])
        guard rank >= 1, raw.count >= 4 + 4 * rank else { throw IDXError(source: name, problem: .tooShort(raw.count)) }
        var dimensions: [Int] = []
        for d in 0..<rank {
            let at = 4 + 4 * d
            dimensions.append(Int(raw[at]) << 24 | Int(raw[at + 1]) << 16 | Int(raw[at + 2]) << 8 | Int(raw[at + 3]))
        }
        let header = 4 + 4 * rank
        let expected = dimensions.reduce(1, *)
        guard raw.count - header == expected else {
            throw IDXError(source: name, problem: .sizeMismatch(dimensions: dimensions, expected: expected, actual: raw.count - header))
        }
        self.dimensions = dimensions
        self.data = Array(raw[header...])
    }

    /// Sample `index` of a rank-3 file (count × rows × columns) as a gray image.
    public func image(at index: Int) -> Image {
        precondition(dimensions.count == 3, "IDX images need 3 dimensions, this file has \(dimensions)")
        precondition(index >= 0 && index < count, "image \(index) is outside 0..<\(count)")
        let rows = dimensions[1], columns = dimensions[2], size = rows * columns
        return Image(width: columns, height: rows, format: .gray, pixels: Array(data[(index * size)..<((index + 1) * size)]))
    }

    private static func gunzip(_ bytes: [UInt8], name: String) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: Int(AVIARY_CODEC_MESSAGE_CAPACITY))
        let status = bytes.withUnsafeBufferPointer {
            aviary_gunzip($0.baseAddress, $0.count, maxBytes, &output, &length, &message)
        }
        defer { if let output { aviary_codec_free(output) } }
        guard status == AVIARY_CODEC_OK, let output else {
            throw IDXError(source: name, problem: .compression(text(fromCString: message)))
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
