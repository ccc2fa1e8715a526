import AviaryJSON
import AviaryWorkflow
import Foundation

/// `aviary.notify`: `{"url": "https://…", "payload": …}` POSTs the payload as JSON (the whole event
/// when there is no `payload`). A status outside 2xx, or no answer within `timeoutSeconds` (default
/// 10), fails the task with `Aviary.NotifyFailed`, which Retry can retry.
struct NotifyFunction: WorkflowFunction {
    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        guard let text = event["url"]?.stringValue, let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.notify needs {\"url\": \"http(s)://…\", \"payload\": …}")
        }
        let body = Data((event["payload"] ?? event).serialized().utf8)
        let status: Int
        do {
            status = try await HTTPPoster.post(body, to: url, headers: ["Content-Type": "application/json", "User-Agent": "aviary-workflow"],
                                               timeout: event["timeoutSeconds"]?.doubleValue ?? 10)
        } catch {
            throw ASLError(name: BuiltinErrorName.notifyFailed, cause: "aviary.notify: \(error)")
        }
        guard (200..<300).contains(status) else {
            throw ASLError(name: BuiltinErrorName.notifyFailed, cause: "aviary.notify: POST \(text) answered HTTP \(status)")
        }
        return .object(JSONObject([("statusCode", .int(status))]))
    }
}
