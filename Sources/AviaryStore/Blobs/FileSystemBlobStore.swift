import Crypto
import Foundation

/// The embedded blob store: one file per blob under `<root>/sha256/ab/cdef…`.
///
/// A new blob is written to `<root>/tmp/`, fsynced, then hard-linked into place and the directory
/// fsynced. `link` fails rather than replace an existing file, so a stored blob is never rewritten,
/// and a crash at any moment leaves either the whole blob or nothing under its name (at worst a stray
/// temporary file, which `fsck` reports and `removeStaleTemporaryFiles` deletes).
public struct FileSystemBlobStore: BlobStore {
    public let root: URL

    public init(root: URL) throws {
        self.root = root
        for folder in [objectsFolder, temporaryFolder] {
            try createDirectory(folder)
        }
    }

    public var location: String { root.absoluteString }

    var objectsFolder: URL { root.appendingPathComponent(BlobID.algorithm, isDirectory: true) }
    var temporaryFolder: URL { root.appendingPathComponent("tmp", isDirectory: true) }

    /// Where the blob with this id lives (whether or not it exists).
    public func path(of id: BlobID) -> URL {
        let hex = id.hex
        return objectsFolder
            .appendingPathComponent(String(hex.prefix(2)), isDirectory: true)
            .appendingPathComponent(String(hex.dropFirst(2)), isDirectory: false)
    }

    public func put(from source: some BlobSource) throws -> BlobInfo {
        let (temporary, info) = try stage(source)
        defer { unlink(temporary.path) }
        let fd = open(temporary.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, fsync(fd) == 0 else {
            if fd >= 0 { close(fd) }
            throw StoreError.io(path: temporary.path, operation: "fsync", reason: lastErrorText())
        }
        close(fd)
        let destination = path(of: info.id)
        try createDirectory(destination.deletingLastPathComponent())
        if link(temporary.path, destination.path) != 0 && errno != EEXIST {
            throw StoreError.io(path: destination.path, operation: "link", reason: lastErrorText())
        }
        try syncDirectory(destination.deletingLastPathComponent())
        return info
    }

    public func read(_ id: BlobID, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        let file = path(of: id)
        guard FileManager.default.fileExists(atPath: file.path) else { throw StoreError.blobNotFound(id) }
        try FileBlobSource(url: file).forEachChunk(sink)
    }

    public func info(_ id: BlobID) throws -> BlobInfo? {
        var status = stat()
        guard stat(path(of: id).path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.io(path: path(of: id).path, operation: "stat", reason: lastErrorText())
        }
        return BlobInfo(id: id, size: Int64(status.st_size))
    }

    public func list() throws -> [BlobInfo] {
        try storedFiles().compactMap { file in file.id.map { BlobInfo(id: $0, size: file.size) } }.sorted { $0.id < $1.id }
    }

    public func verify(_ id: BlobID) throws -> BlobHealth {
        let file = path(of: id)
        guard FileManager.default.fileExists(atPath: file.path) else { return .missing }
        var hasher = SHA256()
        try FileBlobSource(url: file).forEachChunk { hasher.update(bufferPointer: $0) }
        let actual = BlobID(digest: hasher.finalize())
        return actual == id ? .intact : .corrupt(actual: actual)
    }
}

extension FileSystemBlobStore {
    /// A file found under the objects folder; `id` is nil when its path is not a valid blob name.
    public struct StoredFile: Sendable {
        public var path: URL
        public var id: BlobID?
        public var size: Int64
    }

    /// Every regular file under the objects folder, including ones whose names are not blob ids
    /// (which `fsck` reports as strays).
    public func storedFiles() throws -> [StoredFile] {
        var files: [StoredFile] = []
        for fanout in try contents(of: objectsFolder) {
            for file in try contents(of: fanout) {
                let values = try? file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
                guard values?.isRegularFile == true else { continue }
                let id = try? BlobID(hex: fanout.lastPathComponent + file.lastPathComponent)
                files.append(StoredFile(path: file, id: id, size: Int64(values?.fileSize ?? 0)))
            }
        }
        return files
    }

    /// Temporary files left by writers that died before finishing.
    public func temporaryFiles() throws -> [URL] {
        try contents(of: temporaryFolder)
    }

    /// Deletes temporary files older than `age` seconds; younger ones may belong to a live writer.
    @discardableResult
    public func removeStaleTemporaryFiles(olderThan age: TimeInterval, now: Date = Date()) throws -> Int {
        var removed = 0
        for file in try temporaryFiles() {
            let modified = (try? file.resourceValues(forKeys: [.contentModificationDateKey]))?.contentModificationDate
            if let modified, now.timeIntervalSince(modified) >= age, unlink(file.path) == 0 { removed += 1 }
        }
        return removed
    }

    private func contents(of folder: URL) throws -> [URL] {
        do {
            return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch CocoaError.fileReadNoSuchFile {
            return []
        } catch {
            throw StoreError.io(path: folder.path, operation: "list", reason: "\(error)")
        }
    }
}

/// Writes the whole buffer, retrying short writes and interruptions.
func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
    var offset = 0
    while offset < buffer.count {
        let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            throw StoreError.io(path: path, operation: "write", reason: lastErrorText())
        }
        offset += written
    }
}

/// Makes a directory and its parents; succeeding when it already exists.
func createDirectory(_ url: URL) throws {
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw StoreError.io(path: url.path, operation: "create directory", reason: "\(error)")
    }
}

/// Flushes a directory entry so that a rename or link inside it survives a power cut.
func syncDirectory(_ url: URL) throws {
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError.io(path: url.path, operation: "open directory", reason: lastErrorText()) }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw StoreError.io(path: url.path, operation: "fsync directory", reason: lastErrorText()) }
}
