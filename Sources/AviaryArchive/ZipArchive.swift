import CImageCodecs

/// Just enough of the zip format for the two archives Aviary opens: Python wheels (members
/// stored or deflated) and `torch.save` checkpoints (members stored, zip64 when large). The
/// central directory is read once; each member is located by its local header, so a member's
/// bytes can be sliced out without copying the archive.
public struct ZipArchive: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        /// 0 stored, 8 deflated; anything else is refused when read.
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: Int
        public var size: Int
        /// Where the member's (possibly compressed) bytes lie in the archive.
        public var dataRange: Range<Int>
    }

    public let bytes: [UInt8]
    public let entries: [String: Entry]
    /// Member names in central-directory order.
    public let names: [String]

    public static func isZip(_ bytes: [UInt8]) -> Bool { bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 3 && bytes[3] == 4 }

    public init(_ bytes: [UInt8]) throws(ZipArchiveError) {
        self.bytes = bytes
        let reader = LittleEndianReader(bytes: bytes)
        guard bytes.count >= 22 else { throw .malformed("\(bytes.count) bytes is too short for a zip archive") }
        // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
        let searchStart = max(0, bytes.count - 22 - 65_535)
        guard let eocd = stride(from: bytes.count - 22, through: searchStart, by: -1).first(where: { reader.uint32($0) == 0x0605_4B50 }) else {
            throw .malformed("no zip end-of-central-directory record (not a zip file, or cut off)")
        }
        var count = Int(reader.uint16(eocd + 10))
        var position = Int(reader.uint32(eocd + 16))
        if count == 0xFFFF || position == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, reader.uint32(locator) == 0x0706_4B50 else { throw .malformed("zip64 locator missing") }
            let record = Int(truncatingIfNeeded: reader.uint64(locator + 8))
            guard record >= 0, record <= bytes.count - 56, reader.uint32(record) == 0x0606_4B50 else { throw .malformed("zip64 record missing") }
            count = Int(truncatingIfNeeded: reader.uint64(record + 32))
            position = Int(truncatingIfNeeded: reader.uint64(record + 48))
        }
        var entries: [String: Entry] = [:]
        var names: [String] = []
        for _ in 0..<max(0, count) {
            guard position >= 0, position <= bytes.count - 46, reader.uint32(position) == 0x0201_4B50 else {
                throw .malformed("central directory entry at byte \(position) is damaged")
            }
            let nameLength = Int(reader.uint16(position + 28))
            let extraLength = Int(reader.uint16(position + 30))
            let commentLength = Int(reader.uint16(position + 32))
            guard position + 46 + nameLength + extraLength <= bytes.count else { throw .malformed("central directory is cut off") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            guard reader.uint16(position + 8) & 1 == 0 else { throw .encrypted(name) }
            var compressedSize = Int(reader.uint32(position + 20))
            var size = Int(reader.uint32(position + 24))
            var localHeader = Int(reader.uint32(position + 42))
            // zip64 extended information: the 64-bit values of whichever fields were saturated, in order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let length = Int(reader.uint16(extra + 2))
                guard extra + 4 + length <= extraEnd else { throw .malformed("zip64 field of '\(name)' is cut off") }
                if reader.uint16(extra) == 0x0001 {
                    var field = extra + 4
                    func next() throws(ZipArchiveError) -> Int {
                        guard field + 8 <= extra + 4 + length else { throw .malformed("zip64 field of '\(name)' is cut off") }
                        defer { field += 8 }
                        return Int(truncatingIfNeeded: reader.uint64(field))
                    }
                    if size == 0xFFFF_FFFF { size = try next() }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try next() }
                    if localHeader == 0xFFFF_FFFF { localHeader = try next() }
                }
                extra += 4 + length
            }
            guard localHeader >= 0, localHeader <= bytes.count - 30, reader.uint32(localHeader) == 0x0403_4B50 else {
                throw .malformed("the local header of '\(name)' is damaged")
            }
            let dataStart = localHeader + 30 + Int(reader.uint16(localHeader + 26)) + Int(reader.uint16(localHeader + 28))
            guard compressedSize >= 0, size >= 0, dataStart <= bytes.count, compressedSize <= bytes.count - dataStart else {
                throw .malformed("'\(name)' runs past the end of the file (cut off?)")
            }
            entries[name] = Entry(name: name, method: reader.uint16(position + 10), crc32: reader.uint32(position + 16),
                                  compressedSize: compressedSize, size: size, dataRange: dataStart..<(dataStart + compressedSize))
            names.append(name)
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.names = names
    }

    /// The uncompressed bytes of `name`.
    public func contents(of name: String) throws(ZipArchiveError) -> [UInt8] {
        guard let entry = entries[name] else { throw .noEntry(name, entryCount: entries.count) }
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw .corrupt(name, "the stored member has two different sizes") }
            return Array(bytes[entry.dataRange])
        case 8:
            return try inflate(entry)
        default:
            throw .unsupportedMethod(name, method: entry.method)
        }
    }

    /// Deflated data goes to zlib inside a gzip envelope built from the directory's CRC-32 and
    /// size, so zlib checks the CRC too.
    private func inflate(_ entry: Entry) throws(ZipArchiveError) -> [UInt8] {
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let envelope: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + bytes[entry.dataRange] + le32(entry.crc32) + le32(UInt32(truncatingIfNeeded: entry.size))
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: Int(AVIARY_CODEC_MESSAGE_CAPACITY))
        let status = envelope.withUnsafeBufferPointer { aviary_gunzip($0.baseAddress, $0.count, entry.size, &output, &length, &message) }
        defer { if let output { aviary_codec_free(output) } }
        guard status == AVIARY_CODEC_OK, let output, length == entry.size else {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .corrupt(entry.name, "it does not inflate (\(detail.isEmpty ? "size differs from the directory" : detail))")
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}

/// Little-endian reads at absolute offsets; callers check bounds first.
struct LittleEndianReader {
    let bytes: [UInt8]
    func uint16(_ offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
    func uint32(_ offset: Int) -> UInt32 { UInt32(uint16(offset)) | UInt32(uint16(offset + 2)) << 16 }
    func uint64(_ offset: Int) -> UInt64 { UInt64(uint32(offset)) | UInt64(uint32(offset + 4)) << 32 }
}
