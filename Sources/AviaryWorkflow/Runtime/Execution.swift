import AviaryJSON
/// How an execution ended.
public struct ExecutionResult: Sendable, Equatable {
    public enum Status: String, Sendable { case succeeded = "SUCCEEDED", failed = "FAILED", timedOut = "TIMED_OUT" }
    public let status: Status
    public let output: JSONValue?
    public let error: String?
    public let cause: String?
}

/// Runs one execution of a state machine to completion, sending every history event to the
/// sink as it happens. Give it a recorded history to resume an execution interrupted by a crash.
public actor Execution {
    public let machine: StateMachine
    public let input: JSONValue
    public let identity: ExecutionIdentity
    private let sink: any ExecutionHistorySink
    private let clock: any WorkflowClock
    private let random: any RandomSource
    private let invoker: any TaskInvoker
    private var result: ExecutionResult?

    public init(
        machine: StateMachine, input: JSONValue, identity: ExecutionIdentity = ExecutionIdentity(executionName: "execution"),
        sink: any ExecutionHistorySink = DiscardingHistory(), invoker: any TaskInvoker = NoTaskInvoker(),
        clock: any WorkflowClock = SystemClock(), random: any RandomSource = SystemRandomSource()
    ) {
        self.machine = machine
        self.input = input
        self.identity = identity
        self.sink = sink
        self.clock = clock
        self.random = random
        self.invoker = invoker
    }

    /// Runs from the start; returns the cached result when called again.
    public func run() async -> ExecutionResult {
        if let result { return result }
        let recorder = EventRecorder(sink: sink, clock: clock)
        let startTime = clock.now()
        recorder.record(HistoryEventType.executionStarted, .executionStarted(input: input), scope: "")
        let outcome = await drive(recorder: recorder, startTime: startTime, from: nil, input: input)
        result = outcome
        return outcome
    }

    /// Continues an execution from its recorded history (see `ResumePoint`). Events get ids after
    /// the recorded ones. A history that already ended returns its recorded result.
    public func resume(from history: [HistoryEvent]) async -> ExecutionResult {
        if let result { return result }
        let point = ResumePoint(history: history, machine: machine)
        let recorder = EventRecorder(sink: sink, clock: clock, lastId: history.last?.id ?? 0)
        let startTime = history.first?.timestamp ?? clock.now()
        let outcome: ExecutionResult
        switch point {
        case .finished(let recorded): outcome = recorded
        case .start:
            if history.isEmpty {
                recorder.record(HistoryEventType.executionStarted, .executionStarted(input: input), scope: "")
            }
            outcome = await drive(recorder: recorder, startTime: startTime, from: nil, input: input)
        case .state(let name, let stateInput):
            outcome = await drive(recorder: recorder, startTime: startTime, from: name, input: stateInput)
        case .complete(let output):
            recorder.record(HistoryEventType.executionSucceeded, .executionSucceeded(output: output), scope: "")
            outcome = ExecutionResult(status: .succeeded, output: output, error: nil, cause: nil)
        }
        result = outcome
        return outcome
    }

    private func drive(recorder: EventRecorder, startTime: Double, from start: String?, input stateInput: JSONValue) async -> ExecutionResult {
        let execution: JSONValue = .object(JSONObject([
            ("Id", .string(identity.executionArn)), ("Input", input), ("StartTime", .string(Timestamp.format(startTime))),
            ("Name", .string(identity.executionName)), ("RoleArn", .string(identity.roleArn)), ("RedriveCount", 0),
        ]))
        let stateMachine: JSONValue = .object(JSONObject([
            ("Id", .string(identity.stateMachineArn)), ("Name", .string(identity.stateMachineName)),
        ]))
        var interpreter = Interpreter(
            recorder: recorder, clock: clock, random: random, invoker: invoker,
            context: StateContext(execution: execution, stateMachine: stateMachine, mapItem: nil), scope: "")
        interpreter.deadline = machine.timeoutSeconds.map { startTime + Double($0) }
        do {
            let output = try await interpreter.run(machine, input: stateInput, from: start)
            recorder.record(HistoryEventType.executionSucceeded, .executionSucceeded(output: output), scope: "")
            return ExecutionResult(status: .succeeded, output: output, error: nil, cause: nil)
        } catch is Interpreter.ExecutionTimedOut {
            let cause = "The execution ran longer than the state machine's TimeoutSeconds (\(machine.timeoutSeconds ?? 0))."
            recorder.record(HistoryEventType.executionTimedOut, .executionFailed(error: ErrorName.timeout, cause: cause), scope: "")
            return ExecutionResult(status: .timedOut, output: nil, error: ErrorName.timeout, cause: cause)
        } catch let error as ASLError {
            recorder.record(HistoryEventType.executionFailed, .executionFailed(error: error.name, cause: error.cause), scope: "")
            return ExecutionResult(status: .failed, output: nil, error: error.name, cause: error.cause)
        } catch {
            let cause = "\(error)"
            recorder.record(HistoryEventType.executionFailed, .executionFailed(error: ErrorName.runtime, cause: cause), scope: "")
            return ExecutionResult(status: .failed, output: nil, error: ErrorName.runtime, cause: cause)
        }
    }
}
