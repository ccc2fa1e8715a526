/// Why a `.pth` file could not be read. `forbiddenGlobal` is the safety net: the file asked for a
/// Python callable a state dict never needs, and nothing was called.
public enum TorchCheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case notACheckpoint(path: String, reason: String)
    case malformed(path: String, reason: String)
    case forbiddenGlobal(path: String, name: String)
    case unsupported(path: String, offset: Int, what: String)
    case missingStorage(path: String, key: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            "\(path): no such file"
        case let .unreadable(path, reason):
            "\(path): cannot read: \(reason)"
        case let .notACheckpoint(path, reason):
            "\(path): not a PyTorch checkpoint: \(reason)"
        case let .malformed(path, reason):
            "\(path): damaged PyTorch checkpoint: \(reason)"
        case let .forbiddenGlobal(path, name):
            "\(path): refused: the pickle asks for the Python global '\(name)', which a state dict never needs "
                + "(allowed: \(PickleGlobal.allowedNames.joined(separator: ", "))); nothing was run. "
                + "Save only the weights: torch.save(model.state_dict(), path)"
        case let .unsupported(path, offset, what):
            "\(path): refused at pickle byte \(offset): \(what) is not used by state dicts; nothing was run. "
                + "Save only the weights: torch.save(model.state_dict(), path)"
        case let .missingStorage(path, key):
            "\(path): tensor data '\(key)' is missing from the file"
        }
    }
}
