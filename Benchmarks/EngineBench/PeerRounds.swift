import AviarySpawn
import Foundation

/// The peer (PyTorch in both memory formats, then ONNX Runtime) for one config, kept running so
/// that its rounds alternate with Aviary's: `torch_peer.py --rounds-from-stdin` runs one round per
/// line it reads and answers `done`, and prints its results when its input ends. It says `ready`
/// once its imports are done, so that their seconds of CPU do not land in Aviary's first round.
///
/// Why rounds: on a shared machine the load moves over seconds to minutes (EfficientNet-Lite0 at
/// batch 1 took 5.9 to 9.0 ms in six back-to-back runs of one binary), more than the engines
/// differ. Measured one after the other, the two sides of a ratio saw different minutes;
/// alternated, each side's median is taken over the same stretch of time.
final class PeerRounds {
    private let child: RunningChild
    private var pending = Data()

    /// Nil (after saying why) when the peer cannot start or exits before it is ready.
    init?(python: String, config: String, threads: Int, inferenceOnly: Bool) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_peer.py").path
        do {
            child = try Spawner.spawn(executable: python,
                                      arguments: [script, "--threads", String(threads), "--configs", config, "--rounds-from-stdin"]
                                          + (inferenceOnly ? ["--inference-only"] : []),
                                      environment: ProcessInfo.processInfo.environment, standardInput: .pipe, standardOutput: .pipe)
        } catch {
            print("peer failed to start (\(python)): \(error). Run `make bench-engine`, which creates the venv.")
            return nil
        }
        guard awaitLine("ready") else {
            _ = child.waitBlocking()
            print("peer \(python) exited before it was ready; measuring Aviary alone. Run `make bench-engine`, which creates the venv.")
            return nil
        }
    }

    /// Runs one round of the peer and waits for it; false once the peer has gone (it printed why).
    func round(trainSteps: Int, inferPasses: Int) -> Bool {
        child.standardInput!.write(Data("\(trainSteps) \(inferPasses)\n".utf8)) && awaitLine("done")
    }

    /// Reads lines until `expected` (true) or the end of the output (false), echoing any other.
    private func awaitLine(_ expected: String) -> Bool {
        while let line = readLine() {
            if line == expected { return true }
            print("  peer: \(line)")
        }
        return false
    }

    /// Ends the peer's input and returns the results it prints (empty if it failed).
    func finish() -> [String: Any] {
        child.standardInput!.close()
        pending.append(child.standardOutput!.readToEnd())
        _ = child.waitBlocking()
        guard let last = String(decoding: pending, as: UTF8.self).split(separator: "\n").last,
              let object = try? JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any] else { return [:] }
        return object
    }

    private func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                return line
            }
            let more = child.standardOutput!.read()
            if more.isEmpty { return nil }
            pending.append(more)
        }
    }
}
