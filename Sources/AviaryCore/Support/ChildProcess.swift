import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A command run in its own process group with its output appended to a log file. Cancelling the
/// task that waits for it kills the whole group (the command and everything it started) with SIGKILL,
/// which is how step timeouts stop a script and its children.
///
/// It is posix_spawn and waitpid on the child's own pid, not Foundation.Process: under many
/// concurrent children, Foundation on Linux has left `waitUntilExit` waiting forever for a child
/// that had exited, and has trapped reading its pipes (swiftlang/swift#57827).
public struct ChildProcess: Sendable {
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: URL
    /// Standard output, appended to; standard error too unless `errorFile` is set.
    public var logFile: URL
    public var errorFile: URL?
    /// Standard input; /dev/null when nil.
    public var inputFile: URL?

    public init(arguments: [String], environment: [String: String], workingDirectory: URL, logFile: URL,
                errorFile: URL? = nil, inputFile: URL? = nil) {
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.logFile = logFile
        self.errorFile = errorFile
        self.inputFile = inputFile
    }

    /// Runs to the end and returns the exit status (128 + the signal for a killed command).
    public func run() async throws -> Int32 {
        let pid = try spawn()
        RunningCommands.insert(pid)
        defer { RunningCommands.remove(pid) }
        while true {
            var status: Int32 = 0
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { return Self.exitStatus(status) }
            if waited < 0 && errno != EINTR { throw StepFailure(.internal, "waitpid failed: \(String(cString: strerror(errno)))") }
            do {
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                kill(-pid, SIGKILL)
                var ignored: Int32 = 0
                while waitpid(pid, &ignored, 0) < 0 && errno == EINTR {}
                throw error
            }
        }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time: the
    /// Glibc module does not export it (it is a GNU extension).
    private static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    /// The descriptors this process has open, from /proc/self/fd (Linux); glibc ignores a close
    /// action for one that is closed by the time of the spawn.
    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }

    static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private func spawn() throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile?.path ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errorFile {
            posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Nothing else of ours leaks into the command (database handles, pipes a parent reads to EOF,
        // the socket by which Foundation.Process learns that another child exited). Closing "every
        // descriptor from 3" happens in the child, atomically; a list made beforehand misses one that
        // another thread opens meanwhile, and a leaked Process socket held by a long script once left
        // that other child's waitUntilExit hanging forever.
        if let closeFrom = Self.closeFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for fd in Self.openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        // `cd` through the shell: posix_spawn has no portable working-directory action.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", workingDirectory.path] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var cArguments = argv.map { strdup($0) } + [nil]
        var cEnvironment = envp.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &cArguments, &cEnvironment)
        guard result == 0 else { throw StepFailure(.internal, "cannot start \(arguments.first ?? "the command"): \(String(cString: strerror(result)))") }
        return pid
    }
}
