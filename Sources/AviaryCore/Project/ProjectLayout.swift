import Foundation

/// Where a project keeps its files. A project is any folder holding `.aviary/`, the way a git
/// repository is any folder holding `.git/`.
public struct ProjectLayout: Hashable, Sendable {
    public static let folderName = ".aviary"

    /// The folder the user works in; `.aviary/` sits inside it.
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public var dataFolder: URL { root.appendingPathComponent(Self.folderName, isDirectory: true) }
    public var database: URL { dataFolder.appendingPathComponent("aviary.sqlite") }
    public var blobs: URL { dataFolder.appendingPathComponent("blobs", isDirectory: true) }
    public var configuration: URL { dataFolder.appendingPathComponent("config.toml") }

    /// Whether `root` holds a project.
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: dataFolder.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
