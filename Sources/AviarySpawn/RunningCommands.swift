import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The process groups of the script steps running in this process. Each runs in a group of its own
/// (so that a timeout can kill it whole), which also shields it from the terminal's Ctrl-C: the CLI
/// calls `killAll` when it is interrupted, so that no step outlives an interrupted `aviary pipeline run`.
public enum RunningCommands {
    static let groups = Mutex<Set<pid_t>>([])

    static func insert(_ group: pid_t) { _ = groups.withLock { $0.insert(group) } }
    static func remove(_ group: pid_t) { _ = groups.withLock { $0.remove(group) } }

    /// Sends SIGKILL to every running step's process group; returns how many there were.
    @discardableResult
    public static func killAll() -> Int {
        let all = groups.withLock { $0 }
        for group in all { kill(-group, SIGKILL) }
        return all.count
    }
}
