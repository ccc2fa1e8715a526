import AviaryJSON
import AviaryStore
import Foundation

/// What a step kind does. The runner resolves references, computes the cache key, applies retries and
/// the timeout, and records everything; an executor only turns resolved inputs into outputs.
public protocol StepExecutor: Sendable {
    /// The inputs as content for the cache key: names resolved to the ids of what they name now.
    func cacheContent(_ context: StepContext) async throws -> JSONValue
    /// Runs one attempt. Cancellation (a timeout) must stop the work, child processes included.
    func run(_ context: StepContext) async throws -> StepResult
}

extension StepExecutor {
    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        .object(JSONObject(context.inputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }))
    }
}

/// What a step's attempt sees.
public struct StepContext: Sendable {
    public var run: PipelineRun
    public var step: PipelineStep
    /// The step's settings, every `${…}` resolved.
    public var inputs: [String: JSONValue]
    /// Outputs of the steps that finished so far, by step name.
    public var outputs: [String: [String: JSONValue]]
    public var project: Project
    /// This attempt's working folder, empty at the start of each attempt.
    public var workFolder: URL
    /// The log file of this attempt; the runner stores it as a blob when the attempt ends.
    public var logFile: URL
    /// The folder of the pipeline file, where relative paths in commands start.
    public var baseFolder: URL
    public var attempt: Int

    public init(run: PipelineRun, step: PipelineStep, inputs: [String: JSONValue], outputs: [String: [String: JSONValue]],
                project: Project, workFolder: URL, logFile: URL, baseFolder: URL, attempt: Int) {
        self.run = run
        self.step = step
        self.inputs = inputs
        self.outputs = outputs
        self.project = project
        self.workFolder = workFolder
        self.logFile = logFile
        self.baseFolder = baseFolder
        self.attempt = attempt
    }

    /// Appends a line to the step's log.
    public func log(_ line: String) {
        guard let handle = FileHandle(forWritingAtPath: logFile.path) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data((line + "\n").utf8))
    }

    /// A string input, or nil.
    public func string(_ key: String) -> String? { inputs[key]?.stringValue }
}

/// What an attempt produced.
public struct StepResult: Sendable {
    public var outputs: [String: JSONValue]
    /// Blobs the outputs refer to, kept alive by the step record.
    public var artifacts: [BlobID]
    /// A line for `show` (a condition's explanation, say).
    public var message: String?

    public init(outputs: [String: JSONValue], artifacts: [BlobID] = [], message: String? = nil) {
        self.outputs = outputs
        self.artifacts = artifacts
        self.message = message
    }
}
