import Foundation

/// Paths of the package under test, found from this file's location so that tests work from any
/// working directory, in a fresh clone as in CI.
public enum PackagePaths {
    /// The repository root: the folder holding Package.swift.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository, where the team's shared data and conformance cases live.
    public static let shared: URL = root.deletingLastPathComponent().appendingPathComponent("shared", isDirectory: true)

    /// The folder of the running test binary, where SwiftPM also puts the package's executables.
    public static let buildProducts: URL = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On Linux the test binary is `<products>/aviaryPackageTests.xctest`; elsewhere it may sit inside a bundle.
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("aviary").path) {
            folder.deleteLastPathComponent()
        }
        return folder
    }()
}
