import ArgumentParser

/// `aviary pipeline`: pipelines of steps (split, script, condition, register…), run durably with caching.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Validate, run, resume and inspect pipelines: split, train, evaluate, condition, register, script.",
        discussion: """
            A pipeline is a YAML or JSON file of typed parameters and steps. Steps run in dependency order, \
            independent ones in parallel; every step's inputs, outputs, log, duration and status are stored \
            in the project, results are reused from a cache keyed by content, and a run whose process died \
            continues with `aviary pipeline resume`. `run` and `resume` exit 0 when the run succeeded and 1 \
            when it failed.
            """,
        subcommands: [PipelineValidateCommand.self, PipelineDefinitionCommand.self, PipelineRunCommand.self,
                      PipelineResumeCommand.self, PipelineListCommand.self, PipelineShowCommand.self, PipelineLogsCommand.self])
}
