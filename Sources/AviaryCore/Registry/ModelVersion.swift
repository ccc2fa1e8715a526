import AviaryStore
import Foundation

/// A registered model version: an artifact, how good it is, where it came from, and the decisions
/// people made about it. Stored as one record (`model.version`, id `GROUP/NUMBER`).
public struct ModelVersion: Codable, Sendable, Hashable {
    public static let recordKind = "model.version"

    public var group: String
    public var number: Int
    public var artifact: BlobID?
    public var metrics: [String: Double]
    public var lineage: Lineage
    public var description: String?
    public var status: ApprovalStatus
    /// Every status this version has had, oldest first, starting with its registration.
    public var history: [StatusChange]
    public var registeredAt: Date
    public var registeredBy: String

    public var reference: String { "\(group)/\(number)" }

    /// What the version was made from, so it can be explained and reproduced.
    public struct Lineage: Codable, Sendable, Hashable {
        public var datasetVersion: String?
        public var pipelineRun: String?
        public var parameters: [String: String]
        public var codeVersion: String?

        public init(datasetVersion: String? = nil, pipelineRun: String? = nil, parameters: [String: String] = [:], codeVersion: String? = nil) {
            self.datasetVersion = datasetVersion
            self.pipelineRun = pipelineRun
            self.parameters = parameters
            self.codeVersion = codeVersion
        }
    }

    /// One decision: who, when, why, and what the status became.
    public struct StatusChange: Codable, Sendable, Hashable {
        public var status: ApprovalStatus
        public var by: String
        public var at: Date
        public var reason: String?
    }

    /// The status the version had at `date`: that of the last change at or before it, nil before it
    /// was registered.
    public func status(at date: Date) -> ApprovalStatus? {
        history.last { $0.at <= date }?.status
    }
}

/// A named family of model versions: one task, one set of classes, many versions over time.
public struct ModelGroup: Codable, Sendable, Hashable {
    public static let recordKind = "model.group"

    public var name: String
    public var description: String?
    public var createdAt: Date
    public var createdBy: String
    /// The highest version number handed out; versions are numbered 1, 2, 3… without gaps.
    public var latestVersion: Int
}
