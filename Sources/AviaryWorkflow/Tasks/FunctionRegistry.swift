import Synchronization
import AviaryJSON

/// Functions by name, and the resolution of Task `Resource` values to them, so that a
/// definition exported from AWS runs unchanged:
/// - `arn:aws:states:::lambda:invoke` with `Parameters.FunctionName` (name or ARN) calls the
///   function with `Parameters.Payload` and wraps the result as Lambda's invoke response;
/// - a plain Lambda ARN `arn:aws:lambda:region:account:function:NAME[:alias]` calls NAME with the input;
/// - any other Resource is looked up as a function name directly.
public final class FunctionRegistry: TaskInvoker {
    private let functions = Mutex<[String: any WorkflowFunction]>([:])

    public init() {}

    public func register(_ name: String, _ function: any WorkflowFunction) {
        functions.withLock { $0[name] = function }
    }

    public func function(named name: String) -> (any WorkflowFunction)? {
        functions.withLock { $0[name] }
    }

    public static let lambdaInvoke = "arn:aws:states:::lambda:invoke"

    public func invoke(resource: String, parameters: JSONValue) async throws -> JSONValue {
        if resource == Self.lambdaInvoke || resource == Self.lambdaInvoke + ".waitForTaskToken" {
            guard let nameValue = parameters["FunctionName"]?.stringValue else {
                throw ASLError(name: ErrorName.runtime, cause: "lambda:invoke needs Parameters.FunctionName naming a registered function.")
            }
            let name = Self.functionName(fromArnOrName: nameValue)
            let payload = parameters["Payload"] ?? .object(JSONObject())
            let result = try await call(name, payload)
            return .object(JSONObject([
                ("ExecutedVersion", "$LATEST"), ("Payload", result),
                ("SdkHttpMetadata", ["HttpStatusCode": 200]), ("StatusCode", 200),
            ]))
        }
        if resource.hasPrefix("arn:aws:lambda:") {
            return try await call(Self.functionName(fromArnOrName: resource), parameters)
        }
        return try await call(resource, parameters)
    }

    private func call(_ name: String, _ event: JSONValue) async throws -> JSONValue {
        guard let function = function(named: name) else {
            throw ASLError(
                name: "Lambda.ResourceNotFoundException",
                cause: "Function not found: \(name). Register it with `aviary function add \(name) …`.")
        }
        return try await function.call(event: event)
    }

    /// `arn:aws:lambda:us-east-1:123:function:classify:prod` → `classify`; a bare name stays as is.
    static func functionName(fromArnOrName text: String) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if text.hasPrefix("arn:"), let index = parts.firstIndex(of: "function"), index + 1 < parts.count {
            return String(parts[index + 1])
        }
        return text
    }
}
