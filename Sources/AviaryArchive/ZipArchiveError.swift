/// What is wrong with a zip archive or one of its members. Callers add the file's path and
/// their own advice (a wheel, a checkpoint) when they wrap it.
public enum ZipArchiveError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case encrypted(String)
    case noEntry(String, entryCount: Int)
    case unsupportedMethod(String, method: UInt16)
    case corrupt(String, String)

    public var description: String {
        switch self {
        case .malformed(let reason): reason
        case .encrypted(let name): "'\(name)' is encrypted"
        case .noEntry(let name, let count): "it has no '\(name)' (it holds \(count) files)"
        case .unsupportedMethod(let name, let method): "'\(name)' uses zip compression method \(method); only stored (0) and deflate (8) are read"
        case .corrupt(let name, let reason): "'\(name)': \(reason)"
        }
    }
}
