import Foundation

/// Finds the project a command works on: `--project DIR`, else `AVIARY_PROJECT`, else the nearest
/// folder holding `.aviary/` from the working directory upwards, as git finds its repository.
public struct ProjectLocator: Sendable {
    public static let environmentVariable = "AVIARY_PROJECT"

    public var explicitPath: String?
    public var environment: [String: String]
    public var workingDirectory: URL

    public init(explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)) {
        self.explicitPath = explicitPath
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    public func locate() throws -> ProjectLayout {
        if let explicitPath, !explicitPath.isEmpty {
            return try named(explicitPath, source: "--project")
        }
        if let fromEnvironment = environment[Self.environmentVariable], !fromEnvironment.isEmpty {
            return try named(fromEnvironment, source: Self.environmentVariable)
        }
        var folder = workingDirectory.standardizedFileURL
        while true {
            let layout = ProjectLayout(root: folder)
            if layout.exists { return layout }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        throw ProjectError.notInProject(searchedFrom: workingDirectory.standardizedFileURL.path)
    }

    private func named(_ path: String, source: String) throws -> ProjectLayout {
        let layout = ProjectLayout(root: URL(fileURLWithPath: path, isDirectory: true, relativeTo: workingDirectory))
        guard layout.exists else { throw ProjectError.notAProject(path: layout.root.path, source: source) }
        return layout
    }
}
