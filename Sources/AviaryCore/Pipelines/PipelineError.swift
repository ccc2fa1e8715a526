/// What pipeline commands refuse or fail at, each saying what to do.
public enum PipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadableFile(path: String, reason: String)
    /// A definition with problems; each names its file, line, column and field.
    case invalidDefinition(problems: [PipelineProblem])
    case unknownParameter(name: String, declared: [String])
    case invalidParameter(name: String, value: String, expected: PipelineParameterType)
    case missingParameter(name: String)
    case runNotFound(String)
    case stepNotFound(run: String, step: String)
    case runExists(String)
    case invalidRunName(String)
    /// `resume` of a run that already ended.
    case notResumable(run: String, status: PipelineRunStatus)
    /// `resume` of a run whose process is still alive.
    case runnerAlive(run: String, pid: Int32, host: String)
    case illegalRunTransition(from: PipelineRunStatus, to: PipelineRunStatus)
    case illegalStepTransition(step: String, from: PipelineStepStatus, to: PipelineStepStatus)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read pipeline file \(path): \(reason)"
        case .invalidDefinition(let problems):
            "the pipeline has \(problems.count) problem(s):\n" + problems.map { "  \($0)" }.joined(separator: "\n")
        case .unknownParameter(let name, let declared):
            "--param \(name): the pipeline has no such parameter" + (declared.isEmpty ? " (it declares none)" : "; it declares \(declared.joined(separator: ", "))")
        case .invalidParameter(let name, let value, let expected):
            "--param \(name)=\(value): expected \(expected.phrase)"
        case .missingParameter(let name):
            "parameter '\(name)' has no default; pass --param \(name)=VALUE"
        case .runNotFound(let run):
            "no pipeline run '\(run)'; `aviary pipeline ls` lists runs"
        case .stepNotFound(let run, let step):
            "pipeline run '\(run)' has no step '\(step)'; `aviary pipeline show \(run)` lists its steps"
        case .runExists(let run):
            "a pipeline run named '\(run)' already exists; choose another --name"
        case .invalidRunName(let name):
            "'\(name)' cannot name a run: use up to 120 letters, digits, '-', '_' or '.', starting with a letter or digit"
        case .notResumable(let run, let status):
            "pipeline run '\(run)' is \(status.rawValue); only a run that was interrupted (running, its process gone) can be resumed"
        case .runnerAlive(let run, let pid, let host):
            "pipeline run '\(run)' is still being run by process \(pid) on \(host); stop that process before resuming it"
        case .illegalRunTransition(let from, let to):
            "a pipeline run cannot go from \(from.rawValue) to \(to.rawValue)"
        case .illegalStepTransition(let step, let from, let to):
            "step '\(step)' cannot go from \(from.rawValue) to \(to.rawValue)"
        }
    }
}
