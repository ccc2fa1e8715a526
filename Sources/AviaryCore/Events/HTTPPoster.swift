import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP POST with a deadline, for webhooks and the workflow notify function. Answers the status
/// code; transport failures (refused, timed out) throw `HTTPPostError`.
public enum HTTPPoster {
    public static func post(_ body: Data, to url: URL, headers: [String: String], timeout: TimeInterval) async throws(HTTPPostError) -> Int {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            return (response as? HTTPURLResponse)?.statusCode ?? 0
        } catch {
            throw HTTPPostError(url: url.absoluteString, reason: error.localizedDescription)
        }
    }
}

public struct HTTPPostError: Error, Hashable, Sendable, CustomStringConvertible {
    public var url: String
    public var reason: String
    public var description: String { "POST \(url) failed: \(reason)" }
}
