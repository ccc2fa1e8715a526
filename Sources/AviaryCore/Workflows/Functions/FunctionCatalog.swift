import AviaryStore
import Foundation

/// The functions registered in a project: add, list, remove.
public struct FunctionCatalog: Sendable {
    /// Names under this prefix belong to the built-in functions.
    public static let reservedPrefix = "aviary."

    public let metadata: any MetadataStore
    public let blobs: any BlobStore

    public init(metadata: any MetadataStore, blobs: any BlobStore) {
        self.metadata = metadata
        self.blobs = blobs
    }

    /// Registers `/bin/sh -c command` as `name`, replacing any function of that name.
    @discardableResult
    public func addCommand(name: String, command: String, now: Date = Date()) async throws -> UserFunction {
        try Self.checkName(name)
        guard !command.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WorkflowError.invalidFunction(name: name, detail: "the command is empty")
        }
        let function = UserFunction(name: name, kind: .command, command: command, createdAt: now)
        try await save(function, now: now)
        return function
    }

    /// Registers the Python file at `file`; its source is copied into the blob store.
    @discardableResult
    public func addPython(name: String, file: URL, handler: String = "lambda_handler", now: Date = Date()) async throws -> UserFunction {
        try Self.checkName(name)
        let source: Data
        do { source = try Data(contentsOf: file) } catch {
            throw WorkflowError.invalidFunction(name: name, detail: "cannot read \(file.path): \(error.localizedDescription)")
        }
        guard String(decoding: source, as: UTF8.self).contains("def \(handler)(") else {
            throw WorkflowError.invalidFunction(name: name, detail: "\(file.path) defines no `def \(handler)(event, context)`")
        }
        let blob = try blobs.put(source)
        let function = UserFunction(name: name, kind: .python, source: blob.id, fileName: file.lastPathComponent, handler: handler, createdAt: now)
        try await save(function, now: now)
        return function
    }

    public func functions() async throws -> [UserFunction] {
        try await metadata.records(kind: UserFunction.recordKind).map { try $0.decode(UserFunction.self) }
    }

    public func remove(_ name: String) async throws {
        guard try await metadata.record(kind: UserFunction.recordKind, id: name) != nil else {
            throw WorkflowError.functionNotFound(name: name)
        }
        try await metadata.write(WriteBatch(
            deletions: [RecordKey(kind: UserFunction.recordKind, id: name)],
            events: [NewEvent(type: "workflow.function.removed", subject: "\(UserFunction.recordKind)/\(name)")]))
    }

    private func save(_ function: UserFunction, now: Date) async throws {
        try await metadata.write(WriteBatch(
            records: [try Record(kind: UserFunction.recordKind, id: function.name, value: function, blobs: function.source.map { [$0] } ?? [], createdAt: now)],
            events: [NewEvent(type: "workflow.function.added", subject: "\(UserFunction.recordKind)/\(function.name)", time: now)]))
    }

    static func checkName(_ name: String) throws {
        try WorkflowCatalog.checkName(name, kind: "function")
        if name.hasPrefix(reservedPrefix) {
            throw WorkflowError.invalidName(kind: "function", name: name, reason: "names starting with '\(reservedPrefix)' belong to the built-in functions")
        }
    }
}
