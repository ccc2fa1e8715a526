import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a child printed, and how it ended.
public struct ChildOutput: Sendable {
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data
}

extension RunningChild {
    /// A child that exits without reading its stdin must not kill us with SIGPIPE: the write fails
    /// with EPIPE instead.
    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// Feeds `input` to the child's stdin pipe and reads its stdout and stderr pipes to the end, each
    /// on a thread of its own (not Swift's cooperative pool; and a child that fills stdout before it
    /// reads stdin cannot deadlock against us), then returns once the child has ended and both
    /// outputs are closed. Streams that are not pipes read as empty.
    ///
    /// Cancelling the waiting task kills the whole group and throws at once, even if a grandchild
    /// that escaped the group still holds the pipes open (its reader thread ends when it does).
    public func communicate(input: Data = Data()) async throws -> ChildOutput {
        Self.ignoreBrokenPipes
        let collected = Collected(out: standardOutput == nil ? Data() : nil, err: standardError == nil ? Data() : nil)
        if let standardInput {
            Thread.detachNewThread {
                standardInput.write(input)
                standardInput.close()
            }
        }
        if let standardOutput {
            Thread.detachNewThread {
                let data = standardOutput.readToEnd()
                standardOutput.close()
                collected.state.withLock { $0.out = data }
            }
        }
        if let standardError {
            Thread.detachNewThread {
                let data = standardError.readToEnd()
                standardError.close()
                collected.state.withLock { $0.err = data }
            }
        }
        return try await poll {
            guard let termination else { return nil }
            return collected.state.withLock { output -> ChildOutput? in
                guard let out = output.out, let err = output.err else { return nil }
                return ChildOutput(status: termination.status, standardOutput: out, standardError: err)
            }
        }
    }
}

/// The two outputs, filled in by their reader threads.
private final class Collected: Sendable {
    let state: Mutex<(out: Data?, err: Data?)>
    init(out: Data?, err: Data?) { state = Mutex((out, err)) }
}
