import Foundation

/// A named state machine and every version of its ASL JSON (`workflow.definition` records).
///
/// Versions are kept because an execution runs, and resumes, against the exact version it started
/// with; creating a definition again under the same name adds a version unless the text is unchanged.
public struct WorkflowDefinition: Codable, Sendable, Equatable {
    public static let recordKind = "workflow.definition"

    public struct Version: Codable, Sendable, Equatable {
        public var number: Int
        /// The definition as the user wrote it.
        public var definition: String
        public var createdAt: Date
    }

    public var name: String
    public var versions: [Version]

    public var latest: Version { versions[versions.count - 1] }

    public func version(_ number: Int) -> Version? { versions.first { $0.number == number } }
}
