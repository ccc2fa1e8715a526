import Foundation

/// The Pillow peer running in `serve` mode: one persistent process pool, one timed round per
/// request, so DataBench can alternate its rounds with the peer's under the same machine load.
final class PeerSession {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()
    private(set) var peer = ""
    private let command: String

    init(python: String, script: String, task: String, path: String, workers: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "serve", task, path, "--workers", "\(workers)"]
        command = ([python] + process.arguments!.dropFirst()).joined(separator: " ")
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let hello = try readObject()
        peer = hello["peer"] as? String ?? "Pillow"
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Runs one timed round on the peer and returns its images/s.
    func round() throws -> Double {
        input.fileHandleForWriting.write(Data("round\n".utf8))
        guard let rate = try readObject()["images_per_s"] as? Double else {
            throw BenchError.peerFailed(command: command, status: -1, output: "no images_per_s in the reply")
        }
        return rate
    }

    private func readObject() throws -> [String: Any] {
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                throw BenchError.peerFailed(command: command, status: process.isRunning ? -1 : process.terminationStatus,
                                            output: String(decoding: buffer, as: UTF8.self))
            }
            buffer.append(chunk)
        }
        let newline = buffer.firstIndex(of: UInt8(ascii: "\n"))!
        let line = buffer[buffer.startIndex..<newline]
        buffer = Data(buffer[(newline + 1)...])
        guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw BenchError.peerFailed(command: command, status: -1, output: String(decoding: line, as: UTF8.self))
        }
        return object
    }
}
