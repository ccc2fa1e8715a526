import ArgumentParser
import AviaryCore
import Foundation

/// `aviary model`: the model registry: groups, versions, approvals.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Register model versions, list them, and approve or reject them.",
        discussion: """
            Versions are numbered per group (birds/1, birds/2, …) and start as PendingManualApproval. \
            Every decision records who made it (--by, else AVIARY_USER or USER), when and why (--reason), \
            and appends model.registered, model.approved or model.rejected to the event log.
            """,
        subcommands: [ModelRegisterCommand.self, ModelListCommand.self, ModelShowCommand.self,
                      ModelApproveCommand.self, ModelRejectCommand.self, ModelExportCommand.self])

    /// Who is acting: the flag, else the environment, else "unknown".
    static func actor(_ flag: String?) -> String {
        let environment = ProcessInfo.processInfo.environment
        return flag ?? environment["AVIARY_USER"] ?? environment["USER"] ?? environment["LOGNAME"] ?? "unknown"
    }

    static func metrics(_ metrics: [String: Double]) -> String {
        metrics.keys.sorted().map { "\($0)=\(metrics[$0]!)" }.joined(separator: " ")
    }
}

struct ModelRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "register", abstract: "Register a new version of a model group.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model group; created on first use.") var group: String
    @Option(help: "The model file (ONNX or a model package); stored as a blob.") var artifact: String?
    @Option(name: .customLong("metric"), help: "NAME=NUMBER, repeatable: accuracy=0.91.") var metrics: [String] = []
    @Option(help: "The dataset version it was trained on.") var dataset: String?
    @Option(name: .customLong("param"), help: "KEY=VALUE hyperparameter, repeatable.") var parameters: [String] = []
    @Option(help: "The pipeline run that produced it.") var pipelineRun: String?
    @Option(help: "The code version (a git commit, say).") var codeVersion: String?
    @Option(help: "A description.") var description: String?
    @Flag(help: "Register it already approved (as a pipeline may), instead of pending.") var approved = false
    @Option(help: "Who registers it.") var by: String?
    @Option(help: "Why.") var reason: String?
    @Flag(help: "Print the version as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            var registration = ModelRegistry.Registration(group: group, by: ModelCommand.actor(by))
            if let artifact { registration.artifact = try project.blobs.put(contentsOf: URL(fileURLWithPath: artifact)).id }
            for metric in metrics {
                let parts = metric.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, let value = Double(parts[1]) else { throw RegistryError.invalidMetric(metric) }
                registration.metrics[String(parts[0])] = value
            }
            for parameter in parameters {
                let parts = parameter.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ValidationError("--param takes KEY=VALUE, not '\(parameter)'") }
                registration.lineage.parameters[String(parts[0])] = String(parts[1])
            }
            if let dataset { registration.lineage.datasetVersion = try await DatasetCatalog(project: project).resolve(dataset).reference }
            registration.lineage.pipelineRun = pipelineRun
            registration.lineage.codeVersion = codeVersion ?? AviaryVersion.current
            registration.description = description
            registration.reason = reason
            if approved { registration.status = .approved }
            let version = try await ModelRegistry(metadata: project.metadata).register(registration)
            if json { try JSONOutput.print(version) } else { print("registered \(version.reference) (\(version.status.rawValue))") }
        }
    }
}
