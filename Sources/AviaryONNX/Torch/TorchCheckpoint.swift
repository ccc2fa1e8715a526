import AviaryArchive
import Foundation

/// The tensors of a PyTorch `.pth` file, read without Python and without running pickled code.
/// Both formats `torch.save` has written: the zip archive (PyTorch ≥ 1.6) and the legacy stream of
/// pickles followed by raw storages (what older checkpoints, such as EfficientNet-Lite0's, use).
public struct TorchCheckpoint: Sendable {
    public enum Format: String, Sendable { case zip, legacy }

    public struct Entry: Sendable, Equatable {
        public var name: String
        public var array: HostArray
    }

    public let format: Format
    /// Tensors in file order; nested dicts become dotted names (`state_dict.conv.weight`).
    public let entries: [Entry]
    /// Names of non-tensor values (`epoch`, `_metadata`…), which are skipped.
    public let skipped: [String]

    public subscript(name: String) -> HostArray? { entries.first { $0.name == name }?.array }
    public var names: [String] { entries.map(\.name) }

    public static func load(_ url: URL) throws(TorchCheckpointError) -> TorchCheckpoint {
        switch FileContents.read(url) {
        case .success(let data): return try decode([UInt8](data), path: url.path)
        case .failure(.missing): throw .fileNotFound(path: url.path)
        case .failure(let failure): throw .unreadable(path: url.path, reason: failure.reason)
        }
    }

    public static func decode(_ bytes: [UInt8], path: String = "(memory)") throws(TorchCheckpointError) -> TorchCheckpoint {
        if ZipArchive.isZip(bytes) { return try decodeZip(bytes, path: path) }
        guard bytes.first == 0x80 else { throw .notACheckpoint(path: path, reason: "neither a zip archive nor a pickle") }
        return try decodeLegacy(bytes, path: path)
    }

    /// `<name>/data.pkl` holds the structure; `<name>/data/<key>` each storage's raw bytes.
    private static func decodeZip(_ bytes: [UInt8], path: String) throws(TorchCheckpointError) -> TorchCheckpoint {
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes) } catch { throw .malformed(path: path, reason: "zip archive: \(error)") }
        // torch.save stores members uncompressed, so tensors are sliced straight out of the file.
        if let packed = archive.names.first(where: { archive.entries[$0]?.method != 0 }) {
            throw .malformed(path: path, reason: "zip archive: entry '\(packed)' is compressed (method \(archive.entries[packed]!.method)); torch.save stores entries uncompressed")
        }
        guard let pickleName = archive.names.first(where: { $0.hasSuffix("/data.pkl") && $0.split(separator: "/").count == 2 }),
              let pickle = archive.entries[pickleName] else {
            throw .notACheckpoint(path: path, reason: "a zip archive without <name>/data.pkl")
        }
        let prefix = String(pickleName.dropLast("data.pkl".count))
        if let order = archive.entries[prefix + "byteorder"], String(decoding: bytes[order.dataRange], as: UTF8.self) != "little" {
            throw .malformed(path: path, reason: "big-endian checkpoints are not supported")
        }
        var unpickler = RestrictedUnpickler(Array(bytes[pickle.dataRange]), path: path)
        let root = try unpickler.load()
        return try collect(root, format: .zip, path: path) { storage throws(TorchCheckpointError) in
            guard let entry = archive.entries[prefix + "data/" + storage.key] else { throw .missingStorage(path: path, key: storage.key) }
            return bytes[entry.dataRange]
        }
    }

    /// Magic number, protocol version, system info, the state dict, the storage keys, then for each
    /// key an 8-byte element count and the raw elements.
    private static func decodeLegacy(_ bytes: [UInt8], path: String) throws(TorchCheckpointError) -> TorchCheckpoint {
        var unpickler = RestrictedUnpickler(bytes, path: path)
        let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]  // 0x1950a86a20f9469cfc6c
        guard case .bigInt(magic) = try unpickler.load() else {
            throw .notACheckpoint(path: path, reason: "a pickle without PyTorch's magic number; save it with torch.save")
        }
        guard case .int(1001) = try unpickler.load() else { throw .malformed(path: path, reason: "legacy protocol version is not 1001") }
        if case .dict(let info) = try unpickler.load(),
           let endian = info.entries.first(where: { if case .string("little_endian") = $0.key { true } else { false } }),
           case .bool(false) = endian.value {
            throw .malformed(path: path, reason: "big-endian checkpoints are not supported")
        }
        let root = try unpickler.load()
        guard case .list(let keyList) = try unpickler.load() else { throw .malformed(path: path, reason: "the storage key list is missing") }
        var storages: [String: TorchStorageReference] = [:]
        gatherStorages(root) { storages[$0.key] = $0 }
        var ranges: [String: Range<Int>] = [:]
        var position = unpickler.position
        for item in keyList.items {
            guard case .string(let key) = item, let storage = storages[key] else {
                throw .malformed(path: path, reason: "storage key \(item.kind) is not used by any tensor")
            }
            guard position + 8 <= bytes.count else { throw .missingStorage(path: path, key: key) }
            let count = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[position + $1]) << (8 * $1) }
            let start = position + 8
            guard count == UInt64(storage.count), storage.count <= (bytes.count - start) / storage.elementType.byteCount else {
                throw .malformed(path: path, reason: "storage '\(key)' holds \(count) elements on disk but \(storage.count) are expected, or runs past the end")
            }
            position = start + storage.count * storage.elementType.byteCount
            ranges[key] = start..<position
        }
        return try collect(root, format: .legacy, path: path) { storage throws(TorchCheckpointError) in
            guard let range = ranges[storage.key] else { throw .missingStorage(path: path, key: storage.key) }
            return bytes[range]
        }
    }

    /// Each container once, however often it is shared.
    private static func gatherStorages(_ root: PickleValue, _ found: (TorchStorageReference) -> Void) {
        var visited: Set<ObjectIdentifier> = []
        var pending = [root]
        while let value = pending.popLast() {
            if let identity = value.containerIdentity, !visited.insert(identity).inserted { continue }
            switch value {
            case .storage(let storage): found(storage)
            case .tensor(let tensor): found(tensor.storage)
            case .dict(let dict): pending += dict.entries.map(\.value)
            case .list(let list): pending += list.items
            case .tuple(let tuple): pending += tuple.items
            default: break
            }
        }
    }

    private static func collect(_ root: PickleValue, format: Format, path: String,
                                storageBytes: (TorchStorageReference) throws(TorchCheckpointError) -> ArraySlice<UInt8>) throws(TorchCheckpointError) -> TorchCheckpoint {
        guard case .dict(let top) = root else {
            throw .notACheckpoint(path: path, reason: "it holds a \(root.kind), not a state dict; save model.state_dict()")
        }
        var entries: [Entry] = []
        var skipped: [String] = []
        var visited: Set<ObjectIdentifier> = []
        func walk(_ dict: PickleDict, prefix: String) throws(TorchCheckpointError) {
            // Depth is bounded by the unpickler; a dict shared under two names is read once.
            guard visited.insert(ObjectIdentifier(dict)).inserted else { skipped.append(prefix + "(shared)"); return }
            for (key, value) in dict.entries {
                let name: String
                switch key {
                case .string(let text): name = prefix + text
                case .int(let number): name = prefix + String(number)
                default: skipped.append(prefix + "<\(key.kind) key>"); continue
                }
                switch value {
                case .tensor(let tensor):
                    entries.append(Entry(name: name, array: try TorchTensorLayout.materialize(tensor, from: try storageBytes(tensor.storage), name: name, path: path)))
                case .dict(let nested): try walk(nested, prefix: name + ".")
                default: skipped.append(name)
                }
            }
        }
        try walk(top, prefix: "")
        return TorchCheckpoint(format: format, entries: entries, skipped: skipped)
    }
}
