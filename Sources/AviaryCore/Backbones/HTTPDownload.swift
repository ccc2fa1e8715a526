import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP GET whose body arrives in chunks, reporting (bytes so far, total when announced) as it
/// goes, for downloads large enough that users want to see them move.
final class HTTPDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    typealias Progress = @Sendable (_ received: Int64, _ total: Int64?) -> Void

    // Touched only from the session's serial delegate queue, then read once the task completes.
    private var body = Data()
    private var total: Int64?
    private var status = 0
    private let progress: Progress
    private var continuation: CheckedContinuation<Data, any Error>?

    private init(progress: @escaping Progress) {
        self.progress = progress
    }

    /// The body of a 200 answer; anything else, or no answer, is `BackboneError.network`.
    static func get(_ url: URL, timeout: TimeInterval = 60, progress: @escaping Progress = { _, _ in }) async throws(BackboneError) -> Data {
        let download = HTTPDownload(progress: progress)
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: queue)
        defer { session.finishTasksAndInvalidate() }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                queue.addOperation {
                    download.continuation = continuation
                    var request = URLRequest(url: url)
                    request.setValue("aviary (backbone pull)", forHTTPHeaderField: "User-Agent")
                    session.dataTask(with: request).resume()
                }
            }
        } catch let error as BackboneError {
            throw error
        } catch {
            throw .network(url: url.absoluteString, reason: error.localizedDescription)
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        status = (response as? HTTPURLResponse)?.statusCode ?? 0
        total = response.expectedContentLength >= 0 ? response.expectedContentLength : nil
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        body.append(data)
        progress(Int64(body.count), total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let url = task.originalRequest?.url?.absoluteString ?? "?"
        if let error {
            continuation?.resume(throwing: BackboneError.network(url: url, reason: error.localizedDescription))
        } else if status != 200 {
            continuation?.resume(throwing: BackboneError.network(url: url, reason: "the server answered HTTP \(status)"))
        } else {
            continuation?.resume(returning: body)
        }
        continuation = nil
    }
}
