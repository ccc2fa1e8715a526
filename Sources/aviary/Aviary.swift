import ArgumentParser
import AviaryCore

/// The `aviary` command: one subcommand group per domain. Commands parse, call the domain and print.
@main
struct Aviary: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aviary",
        abstract: "The computer-vision MLOps loop on your own machines.",
        discussion: """
            Commands find their project the way git finds its repository: the nearest folder holding \
            .aviary/ from the working directory up, unless --project DIR or AVIARY_PROJECT names one.
            """,
        version: AviaryVersion.current,
        subcommands: [InitCommand.self, StatusCommand.self, BlobCommand.self, FsckCommand.self,
                      ConfigCommand.self, DataCommand.self, WorkflowCommand.self, FunctionCommand.self, TrainCommand.self, PredictCommand.self, EvaluateCommand.self, PipelineCommand.self, ModelCommand.self, EventsCommand.self, WebhookCommand.self, RuleCommand.self, ONNXCommand.self, BackboneCommand.self, DebugCommand.self]
    )

    static func main() async {
        OpenMPEnvironment.ensurePassiveWaiting()
        await main(nil)
    }
}
