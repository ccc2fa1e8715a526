/// A configuration file or variable Aviary cannot use. `origin` names the file or the variable.
public enum ConfigurationError: Error, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, column: Int, message: String)
    case unknownKey(origin: String, key: String, known: [String])
    case invalidValue(origin: String, key: String, value: String, expected: String)
}

extension ConfigurationError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason)"
        case .syntax(let path, let line, let column, let message):
            return "\(path):\(line):\(column): \(message). Fix the TOML syntax on that line."
        case .unknownKey(let origin, let key, let known):
            return "\(origin): unknown configuration key '\(key)'. Known keys: \(known.joined(separator: ", "))."
        case .invalidValue(let origin, let key, let value, let expected):
            return "\(origin): '\(value)' is not a valid value for \(key); expected \(expected)."
        }
    }
}
