import AviaryJSON
extension Interpreter {
    /// Calls the resource through the invoker, bounded by TimeoutSeconds (States.Timeout) and
    /// HeartbeatSeconds (States.HeartbeatTimeout: functions here send no heartbeats, so a call
    /// that outlives the heartbeat interval has missed it).
    func runTask(_ state: State, _ task: TaskState, rawInput: JSONValue, context: JSONValue) async throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        let parameters = try applyTemplate(state.parameters, effective, context: context)
        let timeout = try task.timeoutSecondsPath.map { try seconds($0, effective, context) } ?? task.timeoutSeconds
        let heartbeat = try task.heartbeatSecondsPath.map { try seconds($0, effective, context) } ?? task.heartbeatSeconds
        recorder.record(
            HistoryEventType.taskScheduled,
            .taskScheduled(resource: task.resource, parameters: parameters, timeoutSeconds: timeout, heartbeatSeconds: heartbeat),
            scope: scope)
        recorder.record(HistoryEventType.taskStarted, .none, scope: scope)
        let deadline: (seconds: Int, error: String)? = {
            switch (timeout, heartbeat) {
            case (let t?, let h?): return h < t ? (h, ErrorName.heartbeatTimeout) : (t, ErrorName.timeout)
            case (let t?, nil): return (t, ErrorName.timeout)
            case (nil, let h?): return (h, ErrorName.heartbeatTimeout)
            default: return nil
            }
        }()
        let result: JSONValue
        do {
            result = try await withDeadline(deadline) { try await invoker.invoke(resource: task.resource, parameters: parameters) }
        } catch let error as ASLError {
            let type = error.name == ErrorName.timeout || error.name == ErrorName.heartbeatTimeout
                ? HistoryEventType.taskTimedOut : HistoryEventType.taskFailed
            recorder.record(type, .taskFailed(resource: task.resource, error: error.name, cause: error.cause), scope: scope)
            throw error
        }
        recorder.record(HistoryEventType.taskSucceeded, .taskSucceeded(resource: task.resource, output: result), scope: scope)
        return try finish(state, result: result, rawInput: rawInput, context: context)
    }

    private func seconds(_ path: JSONPath, _ input: JSONValue, _ context: JSONValue) throws -> Int {
        let value = try pathValue(path, in: input, context: context)
        guard case .int(let n) = value, n > 0 else {
            throw ASLError.runtime("The value at \(path.text) must be a positive integer number of seconds, got \(value.messageText)")
        }
        return n
    }

    /// Races the call against the clock; the loser is cancelled.
    private func withDeadline(
        _ deadline: (seconds: Int, error: String)?, _ body: @escaping @Sendable () async throws -> JSONValue
    ) async throws -> JSONValue {
        guard let deadline else { return try await body() }
        let clock = self.clock
        return try await withThrowingTaskGroup(of: JSONValue?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await clock.sleep(seconds: Double(deadline.seconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw ASLError(name: deadline.error, cause: "The task did not finish within \(deadline.seconds) seconds.")
            }
            return value
        }
    }
}
