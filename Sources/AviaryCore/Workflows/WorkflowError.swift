import AviaryWorkflow

/// What the workflow commands refuse, each saying how to get past it.
public enum WorkflowError: Error, Equatable, Sendable {
    /// A definition that does not validate; `source` names the file or the stored definition.
    case invalidDefinition(source: String, problems: [DefinitionProblem])
    case definitionNotFound(name: String)
    case executionNotFound(name: String)
    case executionExists(name: String)
    /// `--input` or a stored input is not JSON.
    case invalidInput(source: String, detail: String)
    /// A name that cannot be used for a definition, execution or function.
    case invalidName(kind: String, name: String, reason: String)
    case functionNotFound(name: String)
    /// A user function's file or command cannot be used.
    case invalidFunction(name: String, detail: String)
    /// `resume` of an execution that is not RUNNING, or `stop` of one that already ended.
    case notRunning(name: String, status: WorkflowExecutionStatus)
    /// `resume` of an execution whose runner still lives.
    case runnerAlive(name: String, runner: WorkflowRunnerIdentity)
    /// A stop was requested but the runner did not abort in time.
    case stopPending(name: String, runner: WorkflowRunnerIdentity?)
}

extension WorkflowError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidDefinition(let source, let problems):
            return "\(source) is not a valid state machine (\(problems.count) problem(s)):\n"
                + problems.map { "  \($0.location): \($0.message)" }.joined(separator: "\n")
        case .definitionNotFound(let name):
            return "no workflow definition named '\(name)'; `aviary workflow create \(name) FILE` stores one, `aviary workflow ls --definitions` lists them"
        case .executionNotFound(let name):
            return "no workflow execution named '\(name)'; `aviary workflow ls` lists executions"
        case .executionExists(let name):
            return "an execution named '\(name)' already exists; choose another --name or leave it out for a generated one"
        case .invalidInput(let source, let detail):
            return "\(source) is not valid JSON: \(detail)"
        case .invalidName(let kind, let name, let reason):
            return "'\(name)' cannot be used as a \(kind) name: \(reason)"
        case .functionNotFound(let name):
            return "no function named '\(name)'; `aviary function ls` lists them, `aviary function add \(name) --command '…'` adds one"
        case .invalidFunction(let name, let detail):
            return "function '\(name)': \(detail)"
        case .notRunning(let name, let status):
            return "execution '\(name)' is \(status.rawValue), not RUNNING; only a running execution can be stopped or resumed"
        case .runnerAlive(let name, let runner):
            return "execution '\(name)' is still being run by process \(runner.pid) on \(runner.host); "
                + "stop that process (or `aviary workflow stop \(name)`) before resuming it"
        case .stopPending(let name, let runner):
            let who = runner.map { "process \($0.pid) on \($0.host)" } ?? "its runner"
            return "asked \(who) to stop execution '\(name)' but it has not aborted yet; it will on its next check, "
                + "or run `aviary workflow stop \(name)` again once that process is gone"
        }
    }
}
