import AviaryStore
import Foundation

extension WorkflowRunner {
    /// Stops a RUNNING execution. A live runner is asked through a stop request and aborts within its
    /// poll interval; an execution whose runner is gone (crashed) is aborted here directly.
    /// Waits up to `timeout` for the runner and returns the execution as finally stored.
    public func stop(_ name: String, error: String? = nil, cause: String? = nil, timeout: Duration = .seconds(15)) async throws -> WorkflowExecution {
        let execution = try await catalog.execution(name)
        guard execution.status == .running else { throw WorkflowError.notRunning(name: name, status: execution.status) }
        let now = Date().wholeSeconds
        let request = WorkflowStopRequest(requestedAt: now, error: error, cause: cause)
        if execution.runner?.isGone ?? true {
            var final = execution
            final.status = .aborted
            final.stopDate = now
            final.error = error
            final.cause = cause
            let lastId = try await catalog.historyEntries(name).last?.number ?? 0
            var batch = try WorkflowCatalog.statusBatch(final, time: now)
            batch.history = [Self.abortedEntry(subject: execution.subject, id: lastId + 1, time: now, request: request)]
            batch.deletions = [RecordKey(kind: WorkflowStopRequest.recordKind, id: name)]
            try await metadata.write(batch)
            return final
        }
        try await metadata.put(try Record(kind: WorkflowStopRequest.recordKind, id: name, value: request, createdAt: now))
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            let current = try await catalog.execution(name)
            if current.status.isTerminal { return current }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw WorkflowError.stopPending(name: name, runner: execution.runner)
    }
}
