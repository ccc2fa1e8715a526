import Foundation

/// Files made by Fixtures/make_fixtures.py, and the repository's private Python venv (for tests
/// that use a large file, such as a pretrained checkpoint, only when it has been installed).
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let repository = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL { folder.appendingPathComponent(relative) }

    /// `.venv/lib/python3.X/site-packages/<relative>` if it exists.
    static func sitePackages(_ relative: String) -> URL? {
        let lib = repository.appendingPathComponent(".venv/lib")
        guard let versions = try? FileManager.default.contentsOfDirectory(atPath: lib.path) else { return nil }
        for version in versions.sorted() where version.hasPrefix("python") {
            let candidate = lib.appendingPathComponent(version).appendingPathComponent("site-packages").appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
