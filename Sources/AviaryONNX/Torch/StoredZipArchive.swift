/// A reader for the zip files `torch.save` writes: entries stored uncompressed (method 0), with
/// zip64 records when large. Just enough of the format to find each entry's bytes; anything
/// compressed or encrypted is refused by name rather than misread.
struct StoredZipArchive {
    struct Entry {
        var name: String
        var dataRange: Range<Int>
    }

    let entries: [String: Entry]
    let names: [String]

    init(_ bytes: [UInt8], path: String) throws(TorchCheckpointError) {
        let reader = ByteReader(bytes, path: path)
        func bad(_ reason: String) -> TorchCheckpointError { .malformed(path: path, reason: "zip archive: \(reason)") }
        // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
        let searchStart = max(0, bytes.count - 22 - 65_535)
        guard let eocd = (searchStart...max(searchStart, bytes.count - 22)).reversed().first(where: {
            bytes.count >= $0 + 22 && reader.uint32(at: $0) == 0x0605_4B50
        }) else { throw bad("no end-of-central-directory record") }
        var count = Int(reader.uint16(at: eocd + 10))
        var directoryOffset = Int(reader.uint32(at: eocd + 16))
        if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF {
            let locator = eocd - 20
            guard locator >= 0, reader.uint32(at: locator) == 0x0706_4B50 else { throw bad("zip64 locator missing") }
            let record = Int(truncatingIfNeeded: reader.uint64(at: locator + 8))
            guard record >= 0, record <= bytes.count - 56, reader.uint32(at: record) == 0x0606_4B50 else { throw bad("zip64 record missing") }
            count = Int(truncatingIfNeeded: reader.uint64(at: record + 32))
            directoryOffset = Int(truncatingIfNeeded: reader.uint64(at: record + 48))
        }
        var entries: [String: Entry] = [:]
        var names: [String] = []
        var position = directoryOffset
        for _ in 0..<max(0, count) {
            guard position >= 0, position <= bytes.count - 46, reader.uint32(at: position) == 0x0201_4B50 else {
                throw bad("central directory entry at byte \(position) is damaged")
            }
            let method = reader.uint16(at: position + 10)
            let flags = reader.uint16(at: position + 8)
            var size = Int(reader.uint32(at: position + 20))
            let uncompressed = Int(reader.uint32(at: position + 24))
            let nameLength = Int(reader.uint16(at: position + 28))
            let extraLength = Int(reader.uint16(at: position + 30))
            let commentLength = Int(reader.uint16(at: position + 32))
            var localOffset = Int(reader.uint32(at: position + 42))
            guard position + 46 + nameLength + extraLength <= bytes.count else { throw bad("central directory is cut off") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            // zip64 extended information: the 64-bit values of whichever fields were saturated, in order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = reader.uint16(at: extra)
                let length = Int(reader.uint16(at: extra + 2))
                if id == 0x0001 {
                    var field = extra + 4
                    guard extra + 4 + length <= extraEnd else { throw bad("zip64 field of '\(name)' is cut off") }
                    func needs(_ bytes: Int) throws(TorchCheckpointError) {
                        guard field + bytes <= extra + 4 + length else { throw bad("zip64 field of '\(name)' is cut off") }
                    }
                    if uncompressed == 0xFFFF_FFFF { field += 8 }
                    if size == 0xFFFF_FFFF { try needs(8); size = Int(truncatingIfNeeded: reader.uint64(at: field)); field += 8 }
                    if localOffset == 0xFFFF_FFFF { try needs(8); localOffset = Int(truncatingIfNeeded: reader.uint64(at: field)) }
                }
                extra += 4 + length
            }
            guard method == 0 else { throw bad("entry '\(name)' is compressed (method \(method)); torch.save stores entries uncompressed") }
            guard flags & 1 == 0 else { throw bad("entry '\(name)' is encrypted") }
            guard localOffset >= 0, localOffset <= bytes.count - 30, reader.uint32(at: localOffset) == 0x0403_4B50 else {
                throw bad("local header of '\(name)' is damaged")
            }
            let dataStart = localOffset + 30 + Int(reader.uint16(at: localOffset + 26)) + Int(reader.uint16(at: localOffset + 28))
            guard size >= 0, dataStart <= bytes.count, size <= bytes.count - dataStart else { throw bad("entry '\(name)' runs past the end of the file") }
            entries[name] = Entry(name: name, dataRange: dataStart..<(dataStart + size))
            names.append(name)
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
        self.names = names
    }

    static func isZip(_ bytes: [UInt8]) -> Bool { bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 3 && bytes[3] == 4 }
}

/// Little-endian reads at absolute offsets; callers check bounds first.
struct ByteReader {
    let bytes: [UInt8]
    let path: String

    init(_ bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    func uint16(at offset: Int) -> UInt16 { UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8 }
    func uint32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) } }
    func uint64(at offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) } }
}
