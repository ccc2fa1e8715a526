import Foundation

extension IDXFile {
    /// The file's bytes in the IDX format (unsigned-byte data, big-endian dimensions), uncompressed.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions {
            bytes += [UInt8(truncatingIfNeeded: dimension >> 24), UInt8(truncatingIfNeeded: dimension >> 16),
                      UInt8(truncatingIfNeeded: dimension >> 8), UInt8(truncatingIfNeeded: dimension)]
        }
        return bytes + data
    }

    /// Whether bytes start like an IDX file of unsigned bytes, gzipped or not (gzip is assumed to be IDX
    /// only when the caller's name says so).
    public static func looksLikeIDX(_ head: [UInt8], name: String) -> Bool {
        if head.starts(with: [0x1F, 0x8B]) { return name.contains("idx") }
        return head.count >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && (1...4).contains(head[3])
    }
}
