import Foundation

/// Named Float32 tensors in one binary file: checkpoints, parity fixtures and exported weights.
///
/// Layout (little-endian): magic `AVTA`, UInt32 version, UInt32 entry count, then per entry a
/// UInt32 name length, the UTF-8 name, a UInt32 rank, Int64 dimensions and the Float32 scalars.
/// The magic and version come first so that a wrong or newer file fails with a hint (llm.c's way).
public struct TensorArchive: Sendable, Equatable {
    public static let magic: [UInt8] = Array("AVTA".utf8)
    public static let version: UInt32 = 1

    /// Entries in file order.
    public var entries: [(name: String, tensor: Tensor)]

    public init(entries: [(name: String, tensor: Tensor)] = []) { self.entries = entries }

    public static func == (a: TensorArchive, b: TensorArchive) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.tensor == $1.tensor }
    }

    public subscript(name: String) -> Tensor? {
        entries.first { $0.name == name }?.tensor
    }

    /// The entry or an error naming it and listing a few that exist.
    public func require(_ name: String, source: String = "archive") throws -> Tensor {
        guard let tensor = self[name] else {
            throw TensorArchiveError.missingEntry(source: source, name: name, available: Array(entries.prefix(8).map(\.name)))
        }
        return tensor
    }

    public func encoded() -> Data {
        var data = Data(TensorArchive.magic)
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        put(TensorArchive.version)
        put(UInt32(entries.count))
        for (name, tensor) in entries {
            let utf8 = Array(name.utf8)
            put(UInt32(utf8.count)); data.append(contentsOf: utf8)
            put(UInt32(tensor.rank))
            for d in tensor.shape { put(Int64(d)) }
            for v in tensor.scalars { put(v.bitPattern) }
        }
        return data
    }

    public init(decoding data: Data, source: String) throws {
        var reader = ByteReader(bytes: [UInt8](data), source: source)
        let magic = try reader.bytes(4, field: "magic")
        guard magic == TensorArchive.magic else {
            throw TensorArchiveError.badMagic(source: source, found: magic)
        }
        let version: UInt32 = try reader.integer(field: "version")
        guard version == TensorArchive.version else {
            throw TensorArchiveError.unsupportedVersion(source: source, found: version, supported: TensorArchive.version)
        }
        let count: UInt32 = try reader.integer(field: "entry count")
        var entries: [(String, Tensor)] = []
        for index in 0..<Int(count) {
            let field = "entry \(index)"
            let length: UInt32 = try reader.integer(field: "\(field) name length")
            guard let name = String(bytes: try reader.bytes(Int(length), field: "\(field) name"), encoding: .utf8) else {
                throw TensorArchiveError.corrupt(source: source, offset: reader.offset, field: "\(field) name", detail: "not UTF-8")
            }
            let rank: UInt32 = try reader.integer(field: "\(name) rank")
            guard rank <= 8 else { throw TensorArchiveError.corrupt(source: source, offset: reader.offset, field: "\(name) rank", detail: "rank \(rank) > 8") }
            var shape: [Int] = []
            for _ in 0..<rank {
                let d: Int64 = try reader.integer(field: "\(name) shape")
                guard d >= 0, d < 1 << 31 else { throw TensorArchiveError.corrupt(source: source, offset: reader.offset, field: "\(name) shape", detail: "dimension \(d)") }
                shape.append(Int(d))
            }
            let n = shape.reduce(1, *)
            let raw = try reader.bytes(n * 4, field: "\(name) scalars")
            var scalars = [Float](repeating: 0, count: n)
            for i in 0..<n {
                let bits = UInt32(raw[4 * i]) | UInt32(raw[4 * i + 1]) << 8 | UInt32(raw[4 * i + 2]) << 16 | UInt32(raw[4 * i + 3]) << 24
                scalars[i] = Float(bitPattern: bits)
            }
            entries.append((name, Tensor(uncheckedShape: shape, scalars: scalars)))
        }
        self.entries = entries
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TensorArchiveError.unreadable(source: url.path, detail: "\(error)")
        }
        try self.init(decoding: data, source: url.path)
    }

    /// Writes to a temporary file beside `url`, flushes it to disk, then renames it over `url`,
    /// so a crash mid-write leaves the previous file intact.
    public func write(to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let data = encoded()
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary.path) else {
            throw TensorArchiveError.unwritable(path: url.path, detail: "cannot create \(temporary.path); check the folder exists and is writable")
        }
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw TensorArchiveError.unwritable(path: url.path, detail: "rename failed (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error as? TensorArchiveError ?? TensorArchiveError.unwritable(path: url.path, detail: "\(error)")
        }
    }
}

public enum TensorArchiveError: Error, Equatable, CustomStringConvertible {
    case badMagic(source: String, found: [UInt8])
    case unsupportedVersion(source: String, found: UInt32, supported: UInt32)
    case corrupt(source: String, offset: Int, field: String, detail: String)
    case missingEntry(source: String, name: String, available: [String])
    case unreadable(source: String, detail: String)
    case unwritable(path: String, detail: String)

    public var description: String {
        switch self {
        case let .badMagic(source, found):
            return "\(source): not an Aviary tensor archive (magic \(found), expected AVTA). Pass a file written by Aviary (a checkpoint or fixture), not an ONNX or PyTorch file."
        case let .unsupportedVersion(source, found, supported):
            return "\(source): archive version \(found), this build reads version \(supported). Upgrade Aviary, or re-save the checkpoint with this version."
        case let .corrupt(source, offset, field, detail):
            return "\(source): corrupt at byte \(offset) (\(field)): \(detail). The file is truncated or damaged; re-create it."
        case let .missingEntry(source, name, available):
            return "\(source): no entry '\(name)' (has \(available.joined(separator: ", "))…). Check the model matches the one that wrote the file."
        case let .unreadable(source, detail):
            return "\(source): cannot read: \(detail)"
        case let .unwritable(path, detail):
            return "\(path): cannot write: \(detail)"
        }
    }
}

/// Bounds-checked little-endian reads that name the field being read when the data runs out.
struct ByteReader {
    let bytes: [UInt8]
    let source: String
    var offset = 0

    mutating func bytes(_ count: Int, field: String) throws -> [UInt8] {
        guard count >= 0, offset + count <= bytes.count else {
            throw TensorArchiveError.corrupt(source: source, offset: offset, field: field, detail: "needs \(count) bytes, \(bytes.count - offset) left")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func integer<T: FixedWidthInteger>(field: String) throws -> T {
        let raw = try bytes(MemoryLayout<T>.size, field: field)
        var value: T = 0
        for (i, b) in raw.enumerated() { value |= T(truncatingIfNeeded: b) << (8 * i) }
        return value
    }
}
