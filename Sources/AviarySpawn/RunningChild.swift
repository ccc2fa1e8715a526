import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A started child, leader of its own process group, and our ends of any pipes to it.
///
/// Waiting is waitpid on this child's own pid with WNOHANG, polled with `Task.sleep`: it never
/// blocks a thread of Swift's cooperative pool and never reaps anyone else's child.
public final class RunningChild: Sendable {
    public let pid: pid_t
    public let standardInput: PipeEnd?
    public let standardOutput: PipeEnd?
    public let standardError: PipeEnd?
    /// Set once waitpid has reaped the child; waitpid runs under this lock, so only one caller reaps.
    private let ended = Mutex<ChildTermination?>(nil)

    init(pid: pid_t, standardInput: PipeEnd?, standardOutput: PipeEnd?, standardError: PipeEnd?) {
        self.pid = pid
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The group is the child's pid: it leads it.
    public var processGroup: pid_t { pid }

    /// False once the child has ended (it is reaped then).
    public var isRunning: Bool { poll() == nil }

    /// How it ended, or nil while it runs.
    public var termination: ChildTermination? { poll() }

    /// Sends `signal` to the child alone; nothing once it is reaped (its pid may belong to another by then).
    public func signal(_ signal: Int32) {
        ended.withLock { if $0 == nil { _ = kill(pid, signal) } }
    }

    /// Sends `signal` to the child's whole process group: the child and everything it started.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// Waits for the end and returns the exit status (128 + the signal for a killed child).
    public func wait() async throws -> Int32 { try await waitForTermination().status }

    /// Waits for the end. Cancelling the waiting task kills the whole group with SIGKILL, reaps the
    /// child and throws `CancellationError`; that is how a step's or a task's timeout stops it.
    public func waitForTermination() async throws -> ChildTermination {
        try await poll { self.poll() }
    }

    /// Waits for the end by blocking the calling thread in waitpid: for plain synchronous programs
    /// (the benchmarks), never from a task on Swift's cooperative pool.
    public func waitBlocking() -> ChildTermination {
        if let termination = poll() { return termination }
        var status: Int32 = 0
        var waited: pid_t
        repeat { waited = waitpid(pid, &status, 0) } while waited < 0 && errno == EINTR
        return ended.withLock { termination in
            if termination == nil {
                // ECHILD: a concurrent `poll` reaped it first and stored what it found.
                termination = waited == pid ? ChildTermination(waitStatus: status) : .exit(-1)
                RunningCommands.remove(pid)
            }
            return termination!
        }
    }

    /// Polls `check` (starting at 1 ms, backing off to 20 ms) until it gives a value; cancellation
    /// kills the group as `waitForTermination` describes.
    func poll<T>(_ check: () throws -> T?) async throws -> T {
        var pause = 1
        while true {
            if let value = try check() { return value }
            do {
                try await Task.sleep(for: .milliseconds(pause))
            } catch {
                killAndReap()
                throw error
            }
            pause = min(pause * 2, 20)
        }
    }

    /// SIGKILL for the group, then the child reaped (a killed process ends at once; the wait is short).
    /// The group may outlive its reaped leader (a grandchild holding our pipes), so it is killed either way.
    func killAndReap() {
        ended.withLock { termination in
            kill(-pid, SIGKILL)
            guard termination == nil else { return }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            termination = ChildTermination(waitStatus: status)
            RunningCommands.remove(pid)
        }
    }

    /// waitpid(WNOHANG) on this child: its termination once reaped, nil while it runs.
    private func poll() -> ChildTermination? {
        ended.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid {
                termination = ChildTermination(waitStatus: status)
                RunningCommands.remove(pid)
            } else if waited < 0 && errno == ECHILD {
                // Reaped by someone else (a wait(-1) elsewhere in the process): gone, status unknown.
                termination = .exit(-1)
                RunningCommands.remove(pid)
            }
            return termination
        }
    }
}
