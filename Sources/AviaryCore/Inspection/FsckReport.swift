import AviaryStore
import Foundation

/// The findings of `aviary fsck`: every blob re-hashed and every reference from the metadata followed.
public struct FsckReport: Codable, Sendable, Equatable {
    public struct Corrupt: Codable, Sendable, Equatable {
        /// The id the blob is stored under.
        public var id: BlobID
        /// What its bytes hash to now.
        public var actual: BlobID
    }

    public struct Missing: Codable, Sendable, Equatable {
        public var id: BlobID
        /// The records that point to it, as `kind/id`.
        public var referencedBy: [String]

        public init(id: BlobID, referencedBy: [String]) {
            self.id = id
            self.referencedBy = referencedBy
        }
    }

    public var checkedBlobs: Int
    public var checkedReferences: Int
    public var corrupt: [Corrupt]
    public var missing: [Missing]
    /// Files in the blob folder whose path is not a blob id.
    public var strays: [String]
    /// Temporary files left by writers that did not finish (harmless; `--prune` removes old ones).
    public var temporaryFiles: [String]
    public var prunedTemporaryFiles: Int

    /// Whether the project is sound: nothing corrupt, missing or stray.
    public var isHealthy: Bool { corrupt.isEmpty && missing.isEmpty && strays.isEmpty }

    public var text: String {
        var lines: [String] = []
        for item in corrupt { lines.append("corrupt blob \(item.id): content hashes to \(item.actual)") }
        for item in missing { lines.append("missing blob \(item.id), referenced by \(item.referencedBy.joined(separator: ", "))") }
        for path in strays { lines.append("stray file \(path): not named after its content; move it out of the blob store") }
        for path in temporaryFiles { lines.append("temporary file \(path) from an unfinished write") }
        if prunedTemporaryFiles > 0 { lines.append("pruned \(prunedTemporaryFiles) stale temporary file(s)") }
        let verdict = isHealthy ? "ok" : "\(corrupt.count) corrupt, \(missing.count) missing, \(strays.count) stray"
        lines.append("checked \(checkedBlobs) blobs and \(checkedReferences) references: \(verdict)")
        return lines.joined(separator: "\n")
    }
}

extension FsckReport {
    /// Checks `project`; with `prune`, deletes temporary files older than the configured age.
    public static func check(_ project: Project, prune: Bool = false, now: Date = Date()) async throws -> FsckReport {
        let store = project.blobs
        var report = FsckReport(checkedBlobs: 0, checkedReferences: 0, corrupt: [], missing: [], strays: [],
                                temporaryFiles: [], prunedTemporaryFiles: 0)
        for file in try store.storedFiles() {
            guard let id = file.id else {
                report.strays.append(file.path.path)
                continue
            }
            report.checkedBlobs += 1
            if case .corrupt(let actual) = try store.verify(id) {
                report.corrupt.append(Corrupt(id: id, actual: actual))
            }
        }
        let references = try await project.metadata.blobReferences()
        report.checkedReferences = references.count
        for (blob, group) in Dictionary(grouping: references, by: \.blob).sorted(by: { $0.key < $1.key })
        where try store.info(blob) == nil {
            report.missing.append(Missing(id: blob, referencedBy: group.map { "\($0.kind)/\($0.id)" }.sorted()))
        }
        if prune {
            let hours = project.configuration.double(.blobsTemporaryMaxAgeHours)
            report.prunedTemporaryFiles = try store.removeStaleTemporaryFiles(olderThan: hours * 3600, now: now)
        }
        report.temporaryFiles = try store.temporaryFiles().map(\.path)
        return report
    }
}
