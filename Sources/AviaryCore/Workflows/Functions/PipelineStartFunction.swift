import AviaryJSON
import AviaryWorkflow
import Foundation

/// `aviary.pipeline.start`: `{"file": "pipeline.yaml", "parameters": {"threshold": 0.8}, "name": "run-7"}`
/// validates the pipeline file (relative paths from the working directory), runs it to its end in this
/// process, durably, as `aviary pipeline run` does, and answers `{"run", "status", "outputs": {STEP:
/// {…}}}`. A run that fails fails the task with `Aviary.PipelineFailed` (its cause names the run, for
/// `aviary pipeline show`); a file with problems fails with `Aviary.InvalidEvent`, listing them.
/// Give the Task a `TimeoutSeconds` that fits the pipeline.
struct PipelineStartFunction: WorkflowFunction {
    let project: Project
    let workingDirectory: URL

    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        guard let path = event["file"]?.stringValue else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.pipeline.start needs {\"file\": \"pipeline.yaml\", \"parameters\": {…}}")
        }
        let url = URL(fileURLWithPath: path, relativeTo: workingDirectory).standardizedFileURL
        let validated: PipelineValidator.Result
        do { validated = try PipelineValidator.validate(fileAt: url, displayName: path) } catch {
            throw ASLError(name: BuiltinErrorName.fileNotFound, cause: "aviary.pipeline.start: \(error)")
        }
        guard let definition = validated.definition else {
            throw ASLError(name: BuiltinErrorName.invalidEvent,
                           cause: "aviary.pipeline.start: \(path) has problems: " + validated.problems.prefix(5).map(\.description).joined(separator: "; "))
        }
        var parameters: [String: String] = [:]
        for (name, value) in event["parameters"]?.objectValue ?? JSONObject() {
            guard value.arrayValue == nil, value.objectValue == nil, value != .null else {
                throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.pipeline.start: parameters.\(name) must be a string, number or boolean")
            }
            parameters[name] = value.stringValue ?? value.serialized()
        }
        let runner = PipelineRunner(project: project)
        let finished: PipelineRun
        do {
            finished = try await runner.run(try await runner.start(definition, file: url.path, parameters: parameters, name: event["name"]?.stringValue))
        } catch let error as PipelineError {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.pipeline.start: \(error)")
        }
        guard finished.status == .succeeded else {
            throw ASLError(name: BuiltinErrorName.pipelineFailed,
                           cause: "pipeline run \(finished.id) \(finished.status.rawValue)" + (finished.message.map { ": \($0)" } ?? ""))
        }
        let steps = try await PipelineStore(metadata: project.metadata).steps(of: finished)
        let outputs = JSONObject(steps.map { ($0.step, JSONValue.object(JSONObject($0.outputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))) })
        return .object(JSONObject([("run", .string(finished.id)), ("status", .string(finished.status.rawValue)), ("outputs", .object(outputs))]))
    }
}
