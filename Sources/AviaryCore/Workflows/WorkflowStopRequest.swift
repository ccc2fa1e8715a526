import Foundation

/// `aviary workflow stop` asks a live runner to abort by writing this record (`workflow.execution.stop`,
/// same id as the execution) rather than by editing the execution record, so the request can never
/// overwrite a status the runner wrote at the same moment. The runner deletes it when it finishes.
public struct WorkflowStopRequest: Codable, Sendable, Equatable {
    public static let recordKind = "workflow.execution.stop"

    public var requestedAt: Date
    public var error: String?
    public var cause: String?
}
