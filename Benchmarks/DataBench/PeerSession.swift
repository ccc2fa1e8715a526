import AviarySpawn
import Foundation

/// The Pillow peer running in `serve` mode: one persistent process pool, one timed round per
/// request, so DataBench can alternate its rounds with the peer's under the same machine load.
final class PeerSession {
    private let process: RunningChild
    private var buffer = Data()
    private(set) var peer = ""
    private let command: String

    init(python: String, script: String, task: String, path: String, workers: Int) throws {
        let arguments = [python, script, "serve", task, path, "--workers", "\(workers)"]
        command = arguments.joined(separator: " ")
        process = try Spawner.spawn(executable: "/usr/bin/env", arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                    standardInput: .pipe, standardOutput: .pipe)
        let hello = try readObject()
        peer = hello["peer"] as? String ?? "Pillow"
    }

    deinit {
        process.standardInput!.close()
        _ = process.waitBlocking()
    }

    /// Runs one timed round on the peer and returns its images/s.
    func round() throws -> Double {
        process.standardInput!.write(Data("round\n".utf8))
        guard let rate = try readObject()["images_per_s"] as? Double else {
            throw BenchError.peerFailed(command: command, status: -1, output: "no images_per_s in the reply")
        }
        return rate
    }

    private func readObject() throws -> [String: Any] {
        while !buffer.contains(UInt8(ascii: "\n")) {
            let chunk = process.standardOutput!.read()
            if chunk.isEmpty {
                throw BenchError.peerFailed(command: command, status: process.termination?.status ?? -1,
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
