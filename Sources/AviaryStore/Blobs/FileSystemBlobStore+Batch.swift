import CFileSync
import Crypto
import Foundation

extension FileSystemBlobStore {
    /// Stores many blobs with one disk flush instead of one per blob.
    ///
    /// Every blob is written to a temporary file first; one `syncfs` makes all of them durable, and
    /// only then are they linked into place, followed by a second flush for the directory entries. A
    /// crash at any point leaves each blob whole or absent, exactly as with `put`, at a fraction of the
    /// cost for imports of many small images.
    public func put(batch sources: [some BlobSource]) throws -> [BlobInfo] {
        var staged: [(temporary: URL, info: BlobInfo)] = []
        defer { for entry in staged { unlink(entry.temporary.path) } }
        for source in sources {
            staged.append(try stage(source))
        }
        // A blob that is already stored was made durable when it was stored: a batch of nothing new
        // (re-importing a dataset) needs no flush at all, and flushes are what an import waits on.
        let fresh = staged.filter { !FileManager.default.fileExists(atPath: path(of: $0.info.id).path) }
        guard !fresh.isEmpty else { return staged.map(\.info) }
        try flushFileSystem()
        for entry in fresh {
            let destination = path(of: entry.info.id)
            try createDirectory(destination.deletingLastPathComponent())
            if link(entry.temporary.path, destination.path) != 0 && errno != EEXIST {
                throw StoreError.io(path: destination.path, operation: "link", reason: lastErrorText())
            }
        }
        try flushFileSystem()
        return staged.map(\.info)
    }

    /// Writes a source to a new temporary file, hashing as it goes, without flushing it.
    func stage(_ source: some BlobSource) throws -> (temporary: URL, info: BlobInfo) {
        let temporary = temporaryFolder.appendingPathComponent("put-\(getpid())-\(UUID().uuidString)")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw StoreError.io(path: temporary.path, operation: "create", reason: lastErrorText()) }
        defer { close(fd) }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            try source.forEachChunk { chunk in
                hasher.update(bufferPointer: chunk)
                try writeAll(fd, chunk, path: temporary.path)
                size += Int64(chunk.count)
            }
        } catch {
            unlink(temporary.path)
            throw error
        }
        return (temporary, BlobInfo(id: BlobID(digest: hasher.finalize()), size: size))
    }

    private func flushFileSystem() throws {
        let fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(path: root.path, operation: "open", reason: lastErrorText()) }
        defer { close(fd) }
        guard aviary_syncfs(fd) == 0 else { throw StoreError.io(path: root.path, operation: "syncfs", reason: lastErrorText()) }
    }
}
