import AviaryJSON
import AviaryStore
import Foundation

/// One run of a pipeline (`pipeline.run` records). It keeps the definition it was started with, so a
/// resume runs exactly that even if the file has changed since.
public struct PipelineRun: Codable, Sendable, Equatable {
    public static let recordKind = "pipeline.run"

    public var id: String
    public var pipeline: String
    /// The file it was started from, for people; the definition below is what runs.
    public var file: String?
    public var definition: PipelineDefinition
    /// Every parameter's value, defaults filled in.
    public var parameters: [String: JSONValue]
    public var status: PipelineRunStatus
    /// Whether `--no-cache` was given.
    public var noCache: Bool
    public var startedAt: Date
    public var endedAt: Date?
    /// Seconds from start to end (the stored dates keep whole seconds only).
    public var duration: Double?
    /// Why it failed, or what a false condition skipped.
    public var message: String?
    /// The process running it, so `resume` can tell a crashed run from a live one.
    public var runner: WorkflowRunnerIdentity?
    /// How many times it was resumed.
    public var resumes: Int

    public var subject: String { "\(Self.recordKind)/\(id)" }
}

/// One step of one run (`pipeline.step` records, id `RUN/STEP`): what it got, what it gave, how it went.
public struct PipelineStepRun: Codable, Sendable, Equatable {
    public static let recordKind = "pipeline.step"

    public var run: String
    public var step: String
    public var kind: PipelineStepKind
    public var status: PipelineStepStatus
    /// The step's settings with every reference resolved.
    public var inputs: [String: JSONValue]
    public var outputs: [String: JSONValue]
    public var attempts: Int
    public var startedAt: Date?
    public var endedAt: Date?
    /// Seconds, of the last attempt (or of the cache lookup).
    public var duration: Double?
    public var cacheKey: String?
    /// For a cached step: the run and step whose result was reused.
    public var cachedFrom: String?
    public var errorClass: StepErrorClass?
    public var error: String?
    /// Why it was skipped, or what a condition found.
    public var message: String?
    /// The log of its last attempt, as a blob.
    public var log: BlobID?
    /// Blobs its outputs refer to (model and output folders).
    public var artifacts: [BlobID]

    public var id: String { "\(run)/\(step)" }

    public init(run: String, step: PipelineStep) {
        self.run = run
        self.step = step.name
        self.kind = step.kind
        self.status = .pending
        self.inputs = [:]
        self.outputs = [:]
        self.attempts = 0
        self.artifacts = []
    }

    /// Moves to `next` through the state machine.
    public mutating func move(to next: PipelineStepStatus) throws(PipelineError) {
        status = try PipelineStepStatus.transition(step: step, from: status, to: next)
    }
}
