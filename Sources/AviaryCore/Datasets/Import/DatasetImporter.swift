import AviaryStore
import Foundation

/// Turns an import source's candidates into a dataset version.
///
/// Each image is read and decoded to prove it is usable, in parallel; good images go to the blob store
/// a batch at a time (one disk flush per batch), and each finished batch is journaled, so an
/// interrupted import resumes where it stopped. Bad items are reported and skipped; the same image
/// seen twice is kept once. Importing the same content again yields the same version.
public struct DatasetImporter: Sendable {
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var problems: Int
        public var resumed: Int
        public var elapsed: TimeInterval
    }

    public struct Report: Sendable {
        public var version: DatasetVersion
        /// False when this exact content was already a version of the dataset.
        public var created: Bool
        public var imported: Int
        /// Items whose earlier, interrupted import was reused.
        public var resumed: Int
        public var problems: [ImportProblem]
    }

    let catalog: DatasetCatalog
    public var batchSize = 512
    public var concurrency = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init(catalog: DatasetCatalog) {
        self.catalog = catalog
    }

    public func run(_ listing: ImportListing, dataset: String, now: Date = Date(),
                    progress: @Sendable (Progress) -> Void = { _ in }) async throws -> Report {
        try DatasetCatalog.validate(name: dataset)
        let started = Date()
        var journal = try await ImportJournal.load(key: ImportJournal.key(dataset: dataset, parameters: listing.parameters),
                                                   from: catalog.metadata)
        var problems = listing.problems
        var items: [DatasetItem] = []
        var firstSeen: [BlobID: (origin: String, labels: [String])] = [:]
        var resumed = 0
        var done = 0
        for start in stride(from: 0, to: listing.candidates.count, by: batchSize) {
            try Task.checkCancellation()
            let batch = Array(listing.candidates[start..<min(start + batchSize, listing.candidates.count)])
            let inspected = await inspect(batch, journal: journal)
            var fresh: [String: ImportJournal.Entry] = [:]
            var staged: [(index: Int, data: Data)] = []
            for (index, outcome) in inspected.enumerated() {
                switch outcome {
                case .problem(let problem): problems.append(problem)
                case .journaled: resumed += 1
                case .new(let data, _, _): staged.append((index, data))
                }
            }
            let stored = try catalog.blobs.put(batch: staged.map { DataBlobSource($0.data) })
            var entries: [Int: ImportJournal.Entry] = [:]
            for ((index, _), info) in zip(staged, stored) {
                guard case .new(_, let width, let height) = inspected[index] else { continue }
                let entry = ImportJournal.Entry(stamp: Self.stamp(of: batch[index]), image: info.id, width: width, height: height)
                entries[index] = entry
                fresh[batch[index].key] = entry
            }
            for (index, outcome) in inspected.enumerated() {
                if case .journaled(let entry) = outcome { entries[index] = entry }
            }
            if !fresh.isEmpty { try await catalog.metadata.put(try journal.chunk(fresh)) }
            for index in entries.keys.sorted() {
                let candidate = batch[index], entry = entries[index]!
                if let earlier = firstSeen[entry.image] {
                    let same = earlier.labels == candidate.labels
                    problems.append(ImportProblem(origin: candidate.origin, kind: same ? .duplicate : .conflict,
                        reason: same ? "same image as \(earlier.origin); kept once"
                                     : "same image as \(earlier.origin) but labeled \(candidate.labels) instead of \(earlier.labels); kept the first"))
                    continue
                }
                firstSeen[entry.image] = (candidate.origin, candidate.labels)
                items.append(DatasetItem(image: entry.image, labels: candidate.labels, width: entry.width, height: entry.height,
                                         attributes: candidate.attributes))
            }
            done += batch.count
            progress(Progress(done: done, total: listing.candidates.count, problems: problems.count, resumed: resumed,
                              elapsed: Date().timeIntervalSince(started)))
        }
        guard !items.isEmpty else {
            throw DatasetError.nothingImported(source: listing.parameters["source"] ?? "the source", problems: problems.count)
        }
        let lineage = DatasetVersion.Lineage(operation: "import", parameters: listing.parameters)
        let (version, created) = try await catalog.save(DatasetManifest(items: items), dataset: dataset, lineage: lineage, now: now)
        try await catalog.metadata.write(WriteBatch(deletions: journal.chunks))
        return Report(version: version, created: created, imported: items.count, resumed: resumed, problems: problems)
    }

    enum Inspection: Sendable {
        case new(Data, width: Int, height: Int)
        case journaled(ImportJournal.Entry)
        case problem(ImportProblem)
    }

    /// Reads and decodes a batch on `concurrency` tasks, each taking every n-th candidate; the results
    /// come back in candidate order whatever the timing.
    func inspect(_ batch: [ImportCandidate], journal: ImportJournal) async -> [Inspection] {
        let lanes = min(concurrency, batch.count)
        return await withTaskGroup(of: [(Int, Inspection)].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    let inspector = ImageInspector()
                    return stride(from: lane, to: batch.count, by: lanes).map { index in
                        (index, Self.inspect(batch[index], journal: journal, inspector: inspector))
                    }
                }
            }
            var results = [Inspection?](repeating: nil, count: batch.count)
            for await lane in group { for (index, inspection) in lane { results[index] = inspection } }
            return results.map { $0! }
        }
    }

    static func inspect(_ candidate: ImportCandidate, journal: ImportJournal, inspector: ImageInspector) -> Inspection {
        if let entry = journal.entry(for: candidate) { return .journaled(entry) }
        let data: Data
        switch candidate.content {
        case .bytes(let bytes):
            data = bytes
        case .file(let url):
            guard let contents = FileManager.default.contents(atPath: url.path) else {
                let exists = FileManager.default.fileExists(atPath: url.path)
                return .problem(ImportProblem(origin: candidate.origin, kind: .missing,
                                              reason: exists ? "\(url.path) cannot be read" : "\(url.path) does not exist"))
            }
            data = contents
        }
        switch inspector.inspect(data, origin: candidate.origin) {
        case .image(let width, let height): return .new(data, width: width, height: height)
        case .problem(let problem): return .problem(problem)
        }
    }

    static func stamp(of candidate: ImportCandidate) -> FileStamp? {
        if case .file(let url) = candidate.content { return FileStamp(of: url) }
        return nil
    }
}
