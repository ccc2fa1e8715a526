import ArgumentParser

/// `aviary workflow`: Amazon States Language state machines, run durably in the project.
struct WorkflowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflow",
        abstract: "Validate, store, run, inspect, stop and resume Amazon States Language workflows.",
        discussion: """
            A definition exported from AWS Step Functions runs unchanged: lambda:invoke calls the function \
            registered under its FunctionName (`aviary function add`). Executions and their history are \
            stored in the project; an execution interrupted by a crash continues with `aviary workflow resume`. \
            `start`, `resume` and `run` exit 0 when the execution succeeded and 1 when it failed, timed out \
            or was aborted.
            """,
        subcommands: [WorkflowValidateCommand.self, WorkflowCreateCommand.self, WorkflowStartCommand.self,
                      WorkflowDescribeCommand.self, WorkflowHistoryCommand.self, WorkflowListCommand.self,
                      WorkflowStopCommand.self, WorkflowResumeCommand.self, WorkflowRunCommand.self])
}
