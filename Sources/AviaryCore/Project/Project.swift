import AviaryStore
import Foundation
import Logging

/// An open project: its configuration, its metadata store and its blob store.
///
/// Commands and the server open one `Project` and hand its stores to the domain; nothing else opens
/// files under `.aviary/`.
public struct Project: Sendable {
    public let layout: ProjectLayout
    public let configuration: Configuration
    public let metadata: any MetadataStore
    public let blobs: FileSystemBlobStore

    /// Opens the project at `layout`, reading its configuration with `overrides` and the environment on top.
    public static func open(_ layout: ProjectLayout, overrides: [String: String] = [:],
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            logger: Logger = Logger(label: "aviary.project")) throws -> Project {
        guard layout.exists else { throw ProjectError.notAProject(path: layout.root.path, source: "the command line") }
        let configuration = try Configuration.load(file: layout.configuration, environment: environment, overrides: overrides)
        let metadata = try SQLiteMetadataStore(path: layout.database.path,
                                               busyTimeout: configuration.double(.storeBusyTimeoutSeconds))
        let blobs = try FileSystemBlobStore(root: layout.blobs)
        logger.debug("opened project", metadata: ["root": "\(layout.root.path)", "metadata": "\(metadata.location)"])
        return Project(layout: layout, configuration: configuration, metadata: metadata, blobs: blobs)
    }

    /// Creates `.aviary/` in `root` (creating `root` too), with an empty database, an empty blob store
    /// and a commented configuration file. Returns false when a project was already there, which is
    /// left as it is.
    @discardableResult
    public static func initialize(at root: URL) throws -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ProjectError.notADirectory(path: root.path)
        }
        let layout = ProjectLayout(root: root)
        let existed = layout.exists
        do {
            try FileManager.default.createDirectory(at: layout.dataFolder, withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: layout.configuration.path) {
                try Data(Configuration.defaultFileText.utf8).write(to: layout.configuration, options: .atomic)
            }
        } catch {
            throw StoreError.io(path: layout.dataFolder.path, operation: "create project", reason: "\(error)")
        }
        _ = try SQLiteMetadataStore(path: layout.database.path)
        _ = try FileSystemBlobStore(root: layout.blobs)
        return !existed
    }
}
