import AviaryJSON
import AviaryStore
import AviaryWorkflow
import Foundation

/// Definitions and executions as stored in a project's metadata store.
public struct WorkflowCatalog: Sendable {
    public let metadata: any MetadataStore

    public init(metadata: any MetadataStore) {
        self.metadata = metadata
    }

    // MARK: Definitions

    /// Stores `text` as the newest version of `name` after validating it. Storing the same text again
    /// returns the existing version and writes nothing.
    @discardableResult
    public func create(name: String, definition text: String, source: String, now: Date = Date()) async throws -> WorkflowDefinition.Version {
        try Self.checkName(name, kind: "workflow")
        let problems = Validator.validate(text)
        guard problems.isEmpty else { throw WorkflowError.invalidDefinition(source: source, problems: problems) }
        var stored = try await definitionIfPresent(name) ?? WorkflowDefinition(name: name, versions: [])
        if let latest = stored.versions.last, latest.definition == text { return latest }
        let version = WorkflowDefinition.Version(number: (stored.versions.last?.number ?? 0) + 1, definition: text, createdAt: now)
        stored.versions.append(version)
        let payload = AviaryJSON.JSONValue.object(JSONObject([("workflow", .string(name)), ("version", .int(version.number))]))
        try await metadata.write(WriteBatch(
            records: [try Record(kind: WorkflowDefinition.recordKind, id: name, value: stored, createdAt: now)],
            events: [NewEvent(type: "workflow.definition.created", subject: "\(WorkflowDefinition.recordKind)/\(name)",
                              payload: Data(payload.serialized().utf8), time: now)]))
        return version
    }

    public func definition(_ name: String) async throws -> WorkflowDefinition {
        guard let found = try await definitionIfPresent(name) else { throw WorkflowError.definitionNotFound(name: name) }
        return found
    }

    public func definitions() async throws -> [WorkflowDefinition] {
        try await metadata.records(kind: WorkflowDefinition.recordKind).map { try $0.decode(WorkflowDefinition.self) }
    }

    private func definitionIfPresent(_ name: String) async throws -> WorkflowDefinition? {
        try await metadata.record(kind: WorkflowDefinition.recordKind, id: name)?.decode(WorkflowDefinition.self)
    }

    // MARK: Executions

    public func execution(_ name: String) async throws -> WorkflowExecution {
        guard let record = try await metadata.record(kind: WorkflowExecution.recordKind, id: name) else {
            throw WorkflowError.executionNotFound(name: name)
        }
        return try record.decode(WorkflowExecution.self)
    }

    public func executionExists(_ name: String) async throws -> Bool {
        try await metadata.record(kind: WorkflowExecution.recordKind, id: name) != nil
    }

    /// Executions, oldest first, optionally only those with one status.
    public func executions(status: WorkflowExecutionStatus? = nil) async throws -> [WorkflowExecution] {
        try await metadata.records(kind: WorkflowExecution.recordKind)
            .map { try $0.decode(WorkflowExecution.self) }
            .filter { status == nil || $0.status == status }
    }

    /// Every persisted history event of an execution, in order, as stored (AWS JSON).
    public func historyEntries(_ name: String) async throws -> [HistoryEntry] {
        _ = try await execution(name)
        var entries: [HistoryEntry] = []
        while true {
            let page = try await metadata.history(of: WorkflowExecution.subject(name), after: entries.last?.number ?? 0, limit: 1_000)
            entries += page
            if page.count < 1_000 { return entries }
        }
    }

    /// The persisted history read back as events, for resuming.
    public func history(_ name: String) async throws -> [HistoryEvent] {
        try await historyEntries(name).map { entry in
            guard let json = try? JSONParser.parse(String(decoding: entry.body, as: UTF8.self)),
                  let event = HistoryEvent(awsJSON: json) else {
                throw StoreError.recordCoding(kind: "history", id: "\(entry.subject)#\(entry.number)", detail: "not a history event")
            }
            return event
        }
    }

    /// The record and its event-log event for an execution entering its status, to write together.
    static func statusBatch(_ execution: WorkflowExecution, time: Date) throws -> WriteBatch {
        var payload = JSONObject([
            ("execution", .string(execution.name)), ("workflow", .string(execution.stateMachine)),
            ("version", .int(execution.version)), ("status", .string(execution.status.rawValue)),
        ])
        if let error = execution.error { payload["error"] = .string(error) }
        if let cause = execution.cause { payload["cause"] = .string(cause) }
        return WriteBatch(
            records: [try Record(kind: WorkflowExecution.recordKind, id: execution.name, value: execution, createdAt: execution.startDate)],
            events: [NewEvent(type: execution.status.eventType, subject: execution.subject,
                              payload: Data(AviaryJSON.JSONValue.object(payload).serialized().utf8), time: time)])
    }

    /// Names become record ids, ARNs and file names: keep them to what AWS allows, minus the risky parts.
    static func checkName(_ name: String, kind: String) throws {
        guard ResourceName.isValid(name) else {
            throw WorkflowError.invalidName(kind: kind, name: name,
                                            reason: "use 1 to 80 letters, digits, '-', '_' and '.', starting with a letter or digit")
        }
    }
}
