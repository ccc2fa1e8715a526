import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP POST with a deadline, for webhooks and the workflow notify and classify functions. Answers the status
/// code; transport failures (refused, timed out) throw `HTTPPostError`.
public enum HTTPPoster {
    public static func post(_ body: Data, to url: URL, headers: [String: String], timeout: TimeInterval) async throws(HTTPPostError) -> Int {
        try await exchange(body, to: url, headers: headers, timeout: timeout).status
    }

    /// The same POST, answering the response body too: model endpoints answer with their predictions.
    public static func exchange(_ body: Data, to url: URL, headers: [String: String], timeout: TimeInterval) async throws(HTTPPostError) -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        do {
            let (data, response) = try await URLSession.shared.data(for: request)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
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
