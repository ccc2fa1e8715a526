import Crypto
import Foundation

/// The name of a blob: the SHA-256 of its content, written `sha256:<64 hex digits>`.
///
/// Parsing is strict (lower-case hex of the exact length) because ids become file paths: nothing that
/// could climb out of the blob folder, such as `../`, can ever be a valid id.
public struct BlobID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public static let algorithm = "sha256"

    /// The 64 lower-case hex digits of the digest.
    public let hex: String

    public init(hex: String) throws {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw StoreError.invalidBlobID(hex)
        }
        self.hex = hex
    }

    /// Parses `sha256:<hex>`; a bare 64-digit hex string is accepted too, the way users paste digests.
    public init(parsing text: String) throws {
        let prefix = Self.algorithm + ":"
        let digits = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
        do { try self.init(hex: digits) } catch { throw StoreError.invalidBlobID(text) }
    }

    init(digest: some Sequence<UInt8>) {
        self.hex = digest.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }

    /// The id that `data` would be stored under.
    public static func digest(of data: Data) -> BlobID {
        BlobID(digest: SHA256.hash(data: data))
    }

    public var description: String { "\(Self.algorithm):\(hex)" }

    public static func < (lhs: BlobID, rhs: BlobID) -> Bool { lhs.hex < rhs.hex }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
