import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 for tests of webhooks: it accepts connections on its own
/// thread, reads one request per connection (request line, headers, Content-Length body), records it
/// and answers with `status` and `body` (empty unless given; JSON for model endpoints).
public final class LoopbackHTTPServer: Sendable {
    public struct Request: Sendable, Equatable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: Data
    }

    public let port: UInt16
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let received = Mutex<[Request]>([])
    private let answers: Mutex<[Int]>
    private let answer: Int
    private let body: Data
    /// When set, answers by request path instead: the route's status and body, 404 elsewhere.
    private let routes: [String: (status: Int, body: Data)]?

    public var url: String { "http://127.0.0.1:\(port)" }
    public var requests: [Request] { received.withLock { $0 } }

    /// Starts listening on a free port. The first requests are answered with `first`, one status each,
    /// and every later one with `status`: `first: [500, 500]` makes a flaky receiver.
    public init(status: Int = 200, first: [Int] = [], body: Data = Data(), routes: [String: (status: Int, body: Data)]? = nil) throws {
        answer = status
        self.body = body
        self.routes = routes
        answers = Mutex(first)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        listener = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Stops accepting; the accept thread ends and closes the listening socket. Safe to call twice.
    ///
    /// Only the accept thread closes it: a close here, racing that thread's next `accept` or repeated by
    /// a second `stop`, once hit a descriptor number another test had opened meanwhile (a blob store's
    /// temporary file, whose next write failed with EBADF).
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    /// Waits until `count` requests arrived or `timeout` passed, and returns what arrived.
    public func waitForRequests(_ count: Int, timeout: TimeInterval = 10) async throws -> [Request] {
        let deadline = Date().addingTimeInterval(timeout)
        while requests.count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return requests
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let request = readRequest(connection)
            if let request { received.withLock { $0.append(request) } }
            var (answer, body) = (answers.withLock { $0.isEmpty ? self.answer : $0.removeFirst() }, self.body)
            if let routes {
                let path = request.map { String($0.path.prefix { $0 != "?" }) } ?? ""
                (answer, body) = routes[path] ?? (404, Data())
            }
            let head = "HTTP/1.1 \(answer) \(answer < 300 ? "OK" : "Error")\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            let reply = [UInt8](Data(head.utf8) + body)
            // A large body (a wheel) may take several sends.
            var sent = 0
            while sent < reply.count {
                let n = reply.withUnsafeBytes { send(connection, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            close(connection)
        }
    }

    private func readRequest(_ connection: Int32) -> Request? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if let end = headerEnd, buffer.count >= end + contentLength { break }
            let n = recv(connection, &chunk, chunk.count, 0)
            if n <= 0 { break }
            buffer += chunk[0..<n]
            if headerEnd == nil, let range = Data(buffer).range(of: Data("\r\n\r\n".utf8)) {
                headerEnd = range.upperBound
                let head = String(decoding: buffer[0..<range.lowerBound], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() where line.lowercased().hasPrefix("content-length:") {
                    contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
        }
        guard let end = headerEnd else { return nil }
        let lines = String(decoding: buffer[0..<(end - 4)], as: UTF8.self).split(separator: "\r\n")
        let requestLine = lines.first?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                       body: Data(buffer[end..<min(buffer.count, end + contentLength)]))
    }
}
