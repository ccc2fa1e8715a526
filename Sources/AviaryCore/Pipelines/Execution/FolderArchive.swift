import AviaryJSON
import AviaryStore
import Foundation

/// A folder stored as blobs: every file as its own blob, and a small manifest (`aviary.folder` v1:
/// sorted paths, blob ids, sizes, executable bits) as the blob that stands for the folder. Equal
/// folders give equal ids, which is what step caching and model lineage need.
public enum FolderArchive {
    public static let format = "aviary.folder"
    public static let formatVersion = 1

    struct Manifest: Codable {
        struct File: Codable {
            var path: String
            var blob: BlobID
            var size: Int64
            var executable: Bool
        }
        var format: String
        var version: Int
        var files: [File]
    }

    /// Stores `folder` and returns the manifest blob's id, with every blob it references.
    public static func store(_ folder: URL, in blobs: any BlobStore) throws -> (id: BlobID, blobs: [BlobID]) {
        let root = folder.standardizedFileURL.resolvingSymlinksInPath()
        var files: [Manifest.File] = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isExecutableKey])
        while let url = enumerator?.nextObject() as? URL {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isExecutableKey])
            guard values.isRegularFile == true else { continue }
            let path = String(url.standardizedFileURL.resolvingSymlinksInPath().path.dropFirst(root.path.count + 1))
            let info = try blobs.put(contentsOf: url)
            files.append(.init(path: path, blob: info.id, size: info.size, executable: values.isExecutable ?? false))
        }
        files.sort { $0.path < $1.path }
        let manifest = try CanonicalJSON.encode(Manifest(format: format, version: formatVersion, files: files))
        let id = try blobs.put(manifest).id
        return (id, [id] + files.map(\.blob))
    }

    /// Writes the folder stored under `id` into `folder` (created if needed).
    public static func extract(_ id: BlobID, from blobs: any BlobStore, to folder: URL) throws {
        let manifest: Manifest
        do { manifest = try CanonicalJSON.decode(Manifest.self, from: try blobs.data(id)) } catch let error as StoreError {
            throw error
        } catch {
            throw StepFailure(.input, "blob \(id) is not a stored folder (\(format) manifest)")
        }
        guard manifest.format == format, manifest.version == formatVersion else {
            throw StepFailure(.input, "blob \(id) is a \(manifest.format) v\(manifest.version) document, not an \(format) v\(formatVersion) folder")
        }
        for file in manifest.files {
            guard !file.path.split(separator: "/").contains("..") else { throw StepFailure(.input, "folder \(id) holds an unsafe path '\(file.path)'") }
            let target = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try blobs.data(file.blob).write(to: target)
            if file.executable { chmod(target.path, 0o755) }
        }
    }

    /// Whether `id` is a stored folder.
    public static func isFolder(_ id: BlobID, in blobs: any BlobStore) -> Bool {
        guard let data = try? blobs.data(id), data.count < 64 << 20,
              let manifest = try? CanonicalJSON.decode(Manifest.self, from: data) else { return false }
        return manifest.format == format
    }
}
