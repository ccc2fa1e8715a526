import AviaryStore
import Foundation

/// What a project holds, as `aviary status` prints it.
public struct ProjectStatus: Codable, Sendable, Equatable {
    public struct Blobs: Codable, Sendable, Equatable {
        public var location: String
        public var count: Int
        public var bytes: Int64
    }

    public struct Metadata: Codable, Sendable, Equatable {
        public var location: String
        public var schemaVersion: Int
        public var records: [String: Int]
        /// The sequence number of the newest event, 0 when there is none.
        public var lastEventSequence: Int64
    }

    public var project: String
    public var aviaryVersion: String
    public var metadata: Metadata
    public var blobs: Blobs

    public static func of(_ project: Project) async throws -> ProjectStatus {
        let blobs = try project.blobs.list()
        let metadata = project.metadata
        return ProjectStatus(
            project: project.layout.root.path,
            aviaryVersion: AviaryVersion.current,
            metadata: Metadata(location: metadata.location,
                               schemaVersion: try await metadata.schemaVersion(),
                               records: try await metadata.recordCounts(),
                               lastEventSequence: try await metadata.latestEventSequence()),
            blobs: Blobs(location: project.blobs.location, count: blobs.count, bytes: blobs.reduce(0) { $0 + $1.size }))
    }

    /// The status as aligned text lines.
    public var text: String {
        let records = metadata.records.isEmpty ? "none"
            : metadata.records.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return [
            "Project   \(project)",
            "Aviary    \(aviaryVersion)",
            "Metadata  \(metadata.location) (schema \(metadata.schemaVersion))",
            "Records   \(records)",
            "Events    \(metadata.lastEventSequence)",
            "Blobs     \(blobs.count) (\(ByteCount(blobs.bytes))) in \(blobs.location)",
        ].joined(separator: "\n")
    }
}
