import AviaryJSON
/// Where a crashed execution continues, read from its recorded history.
///
/// Rule: the last top-level state that exited hands its recorded output to its `Next` state;
/// a state that was entered but not exited (the crash hit it) runs again from its recorded
/// input, so a Task may be invoked twice (at-least-once, as with AWS retries). A Choice that
/// exited is re-entered, since its chosen branch is not recorded and re-evaluating is pure.
enum ResumePoint: Equatable {
    case start
    case state(name: String, input: JSONValue)
    case complete(output: JSONValue)
    case finished(ExecutionResult)

    init(history: [HistoryEvent], machine: StateMachine) {
        for event in history.reversed() {
            switch event.details {
            case .executionSucceeded(let output):
                self = .finished(ExecutionResult(status: .succeeded, output: output, error: nil, cause: nil))
                return
            case .executionFailed(let error, let cause):
                let status: ExecutionResult.Status = event.type == HistoryEventType.executionTimedOut ? .timedOut : .failed
                self = .finished(ExecutionResult(status: status, output: nil, error: error, cause: cause))
                return
            default: break
            }
        }
        let topLevel = history.filter { $0.scope.isEmpty }
        var lastEntered: (name: String, input: JSONValue)? = nil
        for event in topLevel.reversed() {
            if case .stateExited(let name, let output) = event.details, let state = machine[name] {
                if case .choice = state.kind, let entered = Self.lastEnteredInput(name, topLevel) {
                    self = .state(name: name, input: entered)
                    return
                }
                switch state.transition {
                case .next(let next)?: self = .state(name: next, input: output)
                default: self = .complete(output: output)
                }
                return
            }
            if case .stateEntered(let name, let input) = event.details {
                lastEntered = (name, input)
                break
            }
        }
        if let lastEntered {
            self = .state(name: lastEntered.name, input: lastEntered.input)
        } else {
            self = .start
        }
    }

    private static func lastEnteredInput(_ name: String, _ events: [HistoryEvent]) -> JSONValue? {
        for event in events.reversed() {
            if case .stateEntered(let n, let input) = event.details, n == name { return input }
        }
        return nil
    }
}
