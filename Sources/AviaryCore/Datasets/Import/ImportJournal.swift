import AviaryStore
import Foundation

/// What an interrupted import had already checked and stored, so that running it again skips that
/// work. Kept in the metadata store in chunks, one per batch, and deleted when the version is saved.
struct ImportJournal: Sendable {
    static let recordKind = "dataset.import.journal"

    struct Entry: Codable, Hashable, Sendable {
        var stamp: FileStamp?
        var image: BlobID
        var width: Int
        var height: Int
    }

    let key: String
    private(set) var entries: [String: Entry] = [:]
    private(set) var chunks: [RecordKey] = []

    /// A key that names one import: the same dataset from the same source with the same settings.
    static func key(dataset: String, parameters: [String: String]) -> String {
        let text = ([dataset] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: "\n")
        return String(BlobID.digest(of: Data(text.utf8)).hex.prefix(32))
    }

    static func load(key: String, from metadata: any MetadataStore) async throws -> ImportJournal {
        var journal = ImportJournal(key: key)
        for record in try await metadata.records(kind: recordKind) where record.id.hasPrefix(key + "/") {
            journal.entries.merge(try record.decode([String: Entry].self)) { $1 }
            journal.chunks.append(RecordKey(kind: recordKind, id: record.id))
        }
        return journal
    }

    /// The entry for a candidate, if it was stored before and its file has not changed since.
    func entry(for candidate: ImportCandidate) -> Entry? {
        guard let entry = entries[candidate.key] else { return nil }
        if case .file(let url) = candidate.content { return entry.stamp == FileStamp(of: url) ? entry : nil }
        return entry
    }

    /// A record holding one batch's entries; written after the batch's blobs are durable.
    mutating func chunk(_ batch: [String: Entry]) throws -> Record {
        let id = "\(key)/\(String(format: "%08d", chunks.count))"
        chunks.append(RecordKey(kind: Self.recordKind, id: id))
        entries.merge(batch) { $1 }
        return try Record(kind: Self.recordKind, id: id, value: batch, blobs: batch.values.map(\.image))
    }
}

/// A file's size and modification time: enough to notice that it changed between two runs.
struct FileStamp: Codable, Hashable, Sendable {
    var size: Int64
    var modified: Double

    init?(of url: URL) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              let size = attributes[.size] as? NSNumber, let modified = attributes[.modificationDate] as? Date else { return nil }
        self.size = size.int64Value
        self.modified = modified.timeIntervalSince1970
    }
}
