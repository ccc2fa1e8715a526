import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process groups of the script steps running in this process. Each runs in a group of its own
/// (so that a timeout can kill it whole), which also shields it from the terminal's Ctrl-C: the CLI
/// calls `killAll` when it is interrupted, so that no step outlives an interrupted `aviary pipeline run`.
///
/// A child runs as soon as `posix_spawn` returns, before its parent has noted it: an interrupt in
/// between found no group to kill and the child outlived `aviary` (seen under load in
/// `WorkflowCrashTests`). So a spawn and its registration happen under the same lock `killAll`
/// takes, and a child spawned after `killAll` is killed at once.
public enum RunningCommands {
    private static let state = Mutex<(groups: Set<pid_t>, stopped: Bool)>(([], false))

    /// Runs `spawn` (which starts a child in a process group of its own and returns its pid) and
    /// registers the group, atomically with respect to `killAll`.
    static func register<Failure: Error>(_ spawn: () throws(Failure) -> pid_t) throws(Failure) -> pid_t {
        try state.withLock { (state) throws(Failure) -> pid_t in
            let group = try spawn()
            if state.stopped { kill(-group, SIGKILL) } else { state.groups.insert(group) }
            return group
        }
    }

    static func remove(_ group: pid_t) { _ = state.withLock { $0.groups.remove(group) } }

    /// Sends SIGKILL to every running step's process group, and to any spawned from now on;
    /// returns how many were running.
    @discardableResult
    public static func killAll() -> Int {
        state.withLock { state in
            state.stopped = true
            for group in state.groups { kill(-group, SIGKILL) }
            return state.groups.count
        }
    }
}
