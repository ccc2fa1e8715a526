import AviaryJSON
import AviaryStore
import Foundation

/// Pipeline runs, their steps and the step cache in a project's metadata store. Every state change is
/// one atomic write of the record and its `pipeline.run.*` or `pipeline.step.*` event.
public struct PipelineStore: Sendable {
    public let metadata: any MetadataStore

    public init(metadata: any MetadataStore) {
        self.metadata = metadata
    }

    public func create(_ run: PipelineRun) async throws {
        do {
            try await metadata.write(WriteBatch(
                preconditions: [.absent(RecordKey(kind: PipelineRun.recordKind, id: run.id))],
                records: [try record(run)], events: [try event("pipeline.run.started", run)]))
        } catch StoreError.conflict {
            throw PipelineError.runExists(run.id)
        }
    }

    /// Stores the run with the event of its change (`pipeline.run.succeeded`, …).
    public func save(_ run: PipelineRun, event type: String) async throws {
        try await metadata.write(WriteBatch(records: [try record(run)], events: [try event(type, run)]))
    }

    /// Stores a step with the event of its change (`pipeline.step.started`, …); with `cache`, also
    /// stores the cache entry it makes, in the same write.
    public func save(_ step: PipelineStepRun, event type: String, cache: PipelineCacheEntry? = nil) async throws {
        var records = [try Record(kind: PipelineStepRun.recordKind, id: step.id, value: step,
                                  blobs: step.artifacts + (step.log.map { [$0] } ?? []), createdAt: step.startedAt ?? Date())]
        if let cache { records.append(try Record(kind: PipelineCacheEntry.recordKind, id: cache.key, value: cache, blobs: cache.artifacts)) }
        struct Payload: Encodable {
            var run: String, step: String, kind: String, status: String, attempt: Int
            var cacheKey: String?, error: String?, outputs: [String: JSONValue]
        }
        let payload = Payload(run: step.run, step: step.step, kind: step.kind.rawValue, status: step.status.rawValue, attempt: step.attempts,
                              cacheKey: step.cacheKey, error: step.error, outputs: step.outputs)
        try await metadata.write(WriteBatch(records: records, events: [
            NewEvent(type: type, subject: "\(PipelineStepRun.recordKind)/\(step.id)", payload: try CanonicalJSON.encode(payload)),
        ]))
    }

    /// Changes a run only if no one else wrote it since it was read (optimistic concurrency, the store's
    /// `unchanged` precondition), with the event in the same write. Returns nil when another writer got
    /// there first; `change` sees the run as stored and may throw to refuse.
    public func claim(_ id: String, event type: String, _ change: (inout PipelineRun) throws -> Void) async throws -> PipelineRun? {
        guard let stored = try await metadata.record(kind: PipelineRun.recordKind, id: id) else { throw PipelineError.runNotFound(id) }
        var run = try stored.decode(PipelineRun.self)
        try change(&run)
        do {
            try await metadata.write(WriteBatch(preconditions: [.unchanged(stored)], records: [try record(run)], events: [try event(type, run)]))
        } catch StoreError.conflict {
            return nil
        }
        return run
    }

    public func run(_ id: String) async throws -> PipelineRun {
        guard let record = try await metadata.record(kind: PipelineRun.recordKind, id: id) else { throw PipelineError.runNotFound(id) }
        return try record.decode(PipelineRun.self)
    }

    /// Every run, oldest first.
    public func runs() async throws -> [PipelineRun] {
        try await metadata.records(kind: PipelineRun.recordKind).map { try $0.decode(PipelineRun.self) }.sorted { $0.startedAt < $1.startedAt }
    }

    /// A run's step records, in the order of its definition.
    public func steps(of run: PipelineRun) async throws -> [PipelineStepRun] {
        var found: [String: PipelineStepRun] = [:]
        for step in run.definition.steps {
            if let record = try await metadata.record(kind: PipelineStepRun.recordKind, id: "\(run.id)/\(step.name)") {
                found[step.name] = try record.decode(PipelineStepRun.self)
            }
        }
        return run.definition.steps.compactMap { found[$0.name] }
    }

    public func cacheEntry(_ key: String) async throws -> PipelineCacheEntry? {
        try await metadata.record(kind: PipelineCacheEntry.recordKind, id: key)?.decode(PipelineCacheEntry.self)
    }

    func record(_ run: PipelineRun) throws -> Record {
        try Record(kind: PipelineRun.recordKind, id: run.id, value: run, createdAt: run.startedAt)
    }

    func event(_ type: String, _ run: PipelineRun) throws -> NewEvent {
        struct Payload: Encodable {
            var run: String, pipeline: String, status: String, message: String?, parameters: [String: JSONValue]
        }
        let payload = Payload(run: run.id, pipeline: run.pipeline, status: run.status.rawValue, message: run.message, parameters: run.parameters)
        return NewEvent(type: type, subject: run.subject, payload: try CanonicalJSON.encode(payload))
    }
}
