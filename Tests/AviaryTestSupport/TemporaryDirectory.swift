import Foundation

/// A fresh folder for one test.
///
/// All of a test process's folders live under one root, `$TMPDIR/aviary-tests/<pid>`, which is removed
/// when the process exits; roots left by processes that died are removed by the next run. Tying
/// cleanup to the process rather than to the value's lifetime keeps a folder alive for as long as any
/// store opened in it, however early the optimiser releases the value.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "t") {
        url = TestRoot.shared.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Writes `contents` to `name` inside the folder and returns its URL.
    @discardableResult
    public func write(_ name: String, _ contents: Data) throws -> URL {
        let target = file(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: target)
        return target
    }
}

private enum TestRoot {
    static let parent = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-tests", isDirectory: true)

    static let shared: URL = {
        let manager = FileManager.default
        for stale in (try? manager.contentsOfDirectory(atPath: parent.path)) ?? [] {
            if let pid = Int32(stale), kill(pid, 0) != 0 { try? manager.removeItem(at: parent.appendingPathComponent(stale)) }
        }
        let root = parent.appendingPathComponent(String(getpid()), isDirectory: true)
        try! manager.createDirectory(at: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestRoot.parent.appendingPathComponent(String(getpid()))) }
        return root
    }()
}
