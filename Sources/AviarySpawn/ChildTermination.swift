/// How a child ended, from waitpid's status word.
public enum ChildTermination: Sendable, Hashable {
    /// It called exit with this status.
    case exit(Int32)
    /// A signal it did not handle ended it.
    case uncaughtSignal(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exit((status >> 8) & 0xff) : .uncaughtSignal(signal)
    }

    /// The shell's convention: the exit status, or 128 + the signal for a killed child.
    public var status: Int32 {
        switch self {
        case .exit(let status): status
        case .uncaughtSignal(let signal): 128 + signal
        }
    }
}
