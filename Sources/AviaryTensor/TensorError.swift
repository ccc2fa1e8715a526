/// Every way an op can refuse its inputs. Each case names the op and carries a hint, so a shape
/// mistake deep inside a model reads like a compiler error rather than a crash.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The operands' shapes cannot go together.
    case shapeMismatch(op: String, detail: String, hint: String)
    /// An argument is outside what the op accepts (negative stride, axis out of range…).
    case invalidArgument(op: String, detail: String, hint: String)
    /// The fast kernel library refused or failed; `status` is its own code.
    case kernel(op: String, detail: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(op, detail, hint): return "\(op): shape mismatch: \(detail). Fix: \(hint)"
        case let .invalidArgument(op, detail, hint): return "\(op): invalid argument: \(detail). Fix: \(hint)"
        case let .kernel(op, detail): return "\(op): kernel failed: \(detail)"
        }
    }
}
