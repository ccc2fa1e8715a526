import AviaryJSON
/// What a Task state calls: given the Resource and the effective parameters, return the result
/// or throw an `ASLError` (its name is what Retry and Catch match).
public protocol TaskInvoker: Sendable {
    func invoke(resource: String, parameters: JSONValue) async throws -> JSONValue
}

/// For machines without Task states (and the conformance corpus): any Task fails clearly.
public struct NoTaskInvoker: TaskInvoker {
    public init() {}
    public func invoke(resource: String, parameters: JSONValue) async throws -> JSONValue {
        throw ASLError(name: ErrorName.taskFailed, cause: "No function is registered for resource '\(resource)'; register one with the function registry.")
    }
}

/// One callable function: a built-in closure, a command or a Python `lambda_handler` file.
public protocol WorkflowFunction: Sendable {
    func call(event: JSONValue) async throws -> JSONValue
}

/// A function written in Swift, for built-ins and tests.
public struct ClosureFunction: WorkflowFunction {
    let body: @Sendable (JSONValue) async throws -> JSONValue
    public init(_ body: @escaping @Sendable (JSONValue) async throws -> JSONValue) { self.body = body }
    public func call(event: JSONValue) async throws -> JSONValue { try await body(event) }
}
