import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way Aviary starts a child: posix_spawn, in a process group of its own, with nothing of
/// ours open in it but the three streams asked for.
///
/// Not Foundation.Process: under many concurrent children, Foundation on Linux has left
/// `waitUntilExit` waiting forever for a child that had exited, and has trapped reading its pipes
/// (swiftlang/swift#57827). The group lets a timeout or Ctrl-C kill the command and everything it
/// started (`RunningCommands`), and shields the child from the terminal's own Ctrl-C.
public enum Spawner {
    /// Starts `executable` (a path: no PATH search) with `arguments` after argv[0] and exactly
    /// `environment`. The child runs until someone waits for it (`RunningChild.wait`).
    public static func spawn(executable: String, arguments: [String], environment: [String: String],
                             standardInput: ChildStream = .null, standardOutput: ChildStream = .inherit,
                             standardError: ChildStream = .inherit) throws(SpawnError) -> RunningChild {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }

        // Our ends of the pipes, and the child's ends, which we close once it holds them.
        var ours: [Int32: PipeEnd] = [:]
        var theirs: [Int32] = []
        defer { theirs.forEach { _ = close($0) } }
        for (target, stream) in [(Int32(0), standardInput), (1, standardOutput), (2, standardError)] {
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, target == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .standardOutput:
                posix_spawn_file_actions_adddup2(&actions, 1, target)
            case .pipe:
                // O_CLOEXEC: a child another thread spawns meanwhile must not inherit this pipe,
                // or our reader would wait for that child's end too.
                var ends: [Int32] = [-1, -1]
                guard Self.closeOnExecPipe(&ends) == 0 else { throw error(executable, errno) }
                let (child, parent) = target == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
                theirs.append(child)
                ours[target] = PipeEnd(fileDescriptor: parent)
                posix_spawn_file_actions_adddup2(&actions, child, target)
            }
        }
        // Nothing else of ours leaks into the command (database handles, pipes a parent reads to EOF).
        // Closing "every descriptor from 3" happens in the child, atomically; a list made beforehand
        // misses one that another thread opens meanwhile.
        if let closeFrom = Self.closeFrom {
            _ = closeFrom(&actions, 3)
        } else {
            for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        // Every signal back to its default: we ignore SIGPIPE, and the child must not.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var cArguments = ([executable] + arguments).map { strdup($0) } + [nil]
        var cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        let pid = try RunningCommands.register { () throws(SpawnError) -> pid_t in
            var pid: pid_t = 0
            let result = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, &cEnvironment)
            guard result == 0 else { throw error(executable, result) }
            return pid
        }
        return RunningChild(pid: pid, standardInput: ours[0], standardOutput: ours[1], standardError: ours[2])
    }

    private static func error(_ executable: String, _ code: Int32) -> SpawnError {
        SpawnError(executable: executable, code: code, reason: String(cString: strerror(code)))
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time: the
    /// Glibc module does not export it (it is a GNU extension).
    private static let closeFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }

    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    /// glibc's `pipe2`, looked up at run time like `closeFrom` (a GNU extension the Glibc module hides).
    private static let pipe2: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }

    /// A pipe whose ends close on exec, atomically where pipe2 exists. The fallback leaves a moment in
    /// which a child spawned elsewhere could inherit them; ours close every descriptor from 3 anyway.
    private static func closeOnExecPipe(_ ends: inout [Int32]) -> Int32 {
        if let pipe2 { return pipe2(&ends, O_CLOEXEC) }
        guard pipe(&ends) == 0 else { return -1 }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return 0
    }

    /// The descriptors this process has open, from /proc/self/fd (Linux); glibc ignores a close
    /// action for one that is closed by the time of the spawn.
    static func openDescriptors() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
    }
}
