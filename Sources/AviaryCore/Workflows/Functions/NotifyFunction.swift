import AviaryJSON
import AviaryWorkflow
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `aviary.notify`: `{"url": "https://…", "payload": …}` POSTs the payload as JSON (the whole event
/// when there is no `payload`). A status outside 2xx, or no answer within `timeoutSeconds` (default
/// 10), fails the task with `Aviary.NotifyFailed`, which Retry can retry.
struct NotifyFunction: WorkflowFunction {
    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        guard let text = event["url"]?.stringValue, let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.notify needs {\"url\": \"http(s)://…\", \"payload\": …}")
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("aviary-workflow", forHTTPHeaderField: "User-Agent")
        request.timeoutInterval = event["timeoutSeconds"]?.doubleValue ?? 10
        request.httpBody = Data((event["payload"] ?? event).serialized().utf8)
        let status: Int
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            status = (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            throw ASLError(name: BuiltinErrorName.notifyFailed, cause: "aviary.notify: POST \(text) failed: \(error.localizedDescription)")
        }
        guard (200..<300).contains(status) else {
            throw ASLError(name: BuiltinErrorName.notifyFailed, cause: "aviary.notify: POST \(text) answered HTTP \(status)")
        }
        return .object(JSONObject([("statusCode", .int(status))]))
    }
}
