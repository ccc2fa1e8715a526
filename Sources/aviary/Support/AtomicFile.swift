import AviaryStore
import Foundation

/// Writes a file through a temporary sibling that is fsynced and renamed into place, so that a reader
/// never sees half a file and a failed write leaves any earlier file untouched.
enum AtomicFile {
    static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw StoreError.io(path: url.path, operation: "create", reason: "cannot create a file there (does the folder exist, and is it writable?)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try body(handle)
            try handle.synchronize()
            guard rename(temporary.path, url.path) == 0 else {
                throw StoreError.io(path: url.path, operation: "rename", reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
