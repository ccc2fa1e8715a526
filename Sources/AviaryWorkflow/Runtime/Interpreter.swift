import AviaryJSON
/// Runs states. A value type shared by concurrent Map iterations and Parallel branches: all
/// mutable state lives in the event recorder (ids) and in local variables.
struct Interpreter: Sendable {
    let recorder: EventRecorder
    let clock: any WorkflowClock
    let random: any RandomSource
    let invoker: any TaskInvoker
    let context: StateContext
    /// Event scope prefix, see `HistoryEvent.scope`.
    let scope: String
    /// When the execution's TimeoutSeconds runs out (clock time), checked between top-level states.
    var deadline: Double? = nil

    /// AWS's limit on a state's input or output: 256 KiB of UTF-8 JSON.
    static let payloadLimit = 262_144

    /// What one state decided: its output and where to go.
    struct Step {
        var output: JSONValue
        var next: Transition
    }

    /// Runs a machine (the top level, a branch or an iteration) from `start` to an end state.
    func run(_ machine: StateMachine, input: JSONValue, from start: String? = nil) async throws -> JSONValue {
        var name = start ?? machine.startAt
        var input = input
        while true {
            if let deadline, scope.isEmpty, clock.now() > deadline { throw ExecutionTimedOut() }
            guard let state = machine[name] else {
                throw ASLError.runtime("The state '\(name)' does not exist in the state machine.")
            }
            let step = try await run(state, input: input)
            switch step.next {
            case .end: return step.output
            case .next(let next):
                name = next
                input = step.output
            }
        }
    }

    /// Enters, executes (with Retry and Catch) and exits one state.
    func run(_ state: State, input: JSONValue) async throws -> Step {
        let enteredTime = clock.now()
        let enteredId = recorder.record(
            HistoryEventType.entered(state.typeName), .stateEntered(name: state.name, input: input), scope: scope)
        do {
            let step = try await executeWithRecovery(state, input: input, enteredTime: enteredTime)
            if case .fail = state.kind {} else {
                recorder.record(
                    HistoryEventType.exited(state.typeName), .stateExited(name: state.name, output: step.output), scope: scope)
            }
            return step
        } catch let error as ASLError {
            throw error.prefixed(state: state.name, enteredEventId: enteredId)
        }
    }

    /// The execution ran past the definition's TimeoutSeconds.
    struct ExecutionTimedOut: Error {}

    private func executeWithRecovery(_ state: State, input: JSONValue, enteredTime: Double) async throws -> Step {
        var attempts = [Int](repeating: 0, count: state.retriers.count)
        while true {
            let retryCount = attempts.reduce(0, +)
            let ctx = context.json(stateName: state.name, enteredTime: enteredTime, retryCount: retryCount)
            do {
                let step = try await execute(state, rawInput: input, context: ctx)
                try checkSize(step.output, state: state.name)
                return step
            } catch let error as ASLError {
                // AWS: "A States.Runtime error isn't retriable, and will always cause the execution to fail."
                if error.needsStatePrefix || error.name == ErrorName.runtime { throw error }
                if let index = state.retriers.firstIndex(where: { errorMatches($0.errorEquals, error.name) }),
                    attempts[index] < state.retriers[index].maxAttempts
                {
                    let delay = state.retriers[index].delay(attempt: attempts[index], random: random)
                    attempts[index] += 1
                    try await clock.sleep(seconds: delay)
                    continue
                }
                if let catcher = state.catchers.first(where: { errorMatches($0.errorEquals, error.name) }) {
                    var errorOutput = JSONObject()
                    errorOutput["Error"] = error.name.map(JSONValue.string) ?? .null
                    errorOutput["Cause"] = error.cause.map(JSONValue.string) ?? .null
                    let output = try applyResultPath(catcher.resultPath, result: .object(errorOutput), rawInput: input)
                    return Step(output: output, next: .next(catcher.next))
                }
                throw error
            }
        }
    }

    private func execute(_ state: State, rawInput: JSONValue, context ctx: JSONValue) async throws -> Step {
        switch state.kind {
        case .pass(let pass): return try runPass(state, pass, rawInput: rawInput, context: ctx)
        case .choice(let choice): return try runChoice(state, choice, rawInput: rawInput, context: ctx)
        case .wait(let wait): return try await runWait(state, wait, rawInput: rawInput, context: ctx)
        case .succeed:
            let effective = try applyInputPath(state.inputPath, rawInput, context: ctx)
            return Step(output: try applyOutputPath(state.outputPath, effective, context: ctx), next: .end)
        case .fail(let fail): throw try failure(state, fail, rawInput: rawInput, context: ctx)
        case .task(let task): return try await runTask(state, task, rawInput: rawInput, context: ctx)
        case .parallel(let parallel): return try await runParallel(state, parallel, rawInput: rawInput, context: ctx)
        case .map(let map): return try await runMap(state, map, rawInput: rawInput, context: ctx)
        }
    }

    private func checkSize(_ value: JSONValue, state: String) throws {
        if value.exceedsSerializedSize(Interpreter.payloadLimit) {
            throw ASLError(
                name: ErrorName.dataLimitExceeded,
                cause: "The state/task '\(state)' returned a result with a size exceeding the maximum number of bytes service limit.")
        }
    }

    /// A copy for a nested machine: same recorder and services, deeper scope, optional Map item.
    func nested(scope suffix: String, mapItem: (Int, JSONValue)?, recorder: EventRecorder? = nil) -> Interpreter {
        var ctx = context
        ctx.mapItem = mapItem.map { (index: $0.0, value: $0.1) }
        return Interpreter(
            recorder: recorder ?? self.recorder, clock: clock, random: random, invoker: invoker, context: ctx,
            scope: scope.isEmpty ? suffix : "\(scope)/\(suffix)")
    }
}
