import Crypto
import Foundation

/// Downloaded weights kept per user (`$XDG_CACHE_HOME/aviary`, else `~/.cache/aviary`), named by
/// their SHA-256, so a second project pulls without the network. Entries are checked on every read:
/// a damaged file is ignored and fetched again.
public struct BackboneCache: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root
    }

    /// The per-user cache, as the XDG base-directory convention places it.
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> BackboneCache {
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            let home = environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) } ?? FileManager.default.homeDirectoryForCurrentUser
            base = home.appendingPathComponent(".cache", isDirectory: true)
        }
        return BackboneCache(root: base.appendingPathComponent("aviary", isDirectory: true))
    }

    func file(sha256: String) -> URL {
        root.appendingPathComponent("weights/sha256/\(sha256)")
    }

    /// The cached bytes with this digest, or nil when absent or damaged.
    func read(sha256: String) -> Data? {
        guard let data = try? Data(contentsOf: file(sha256: sha256)), Self.sha256(data) == sha256 else { return nil }
        return data
    }

    /// Stores `data` (already checked against `sha256`) atomically. A cache that cannot be written
    /// (read-only home) is not an error: the pull still succeeds, only the next one downloads again.
    @discardableResult
    func write(_ data: Data, sha256: String) -> Bool {
        let target = file(sha256: sha256)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target, options: .atomic)
            return true
        } catch {
            return false
        }
    }

    static func sha256(_ data: some DataProtocol) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
