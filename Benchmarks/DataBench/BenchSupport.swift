import AviarySpawn
import AviaryVision
import Foundation

struct BenchOptions {
    var workers = 2
    var repeats = 7
    var images = 200
    var python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next() ?? ""
            switch flag {
            case "--workers": workers = Int(value) ?? workers
            case "--repeats": repeats = Int(value) ?? repeats
            case "--images": images = Int(value) ?? images
            case "--python": python = value
            default: fatalError("unknown option \(flag); use --workers N --repeats N --images N --python PATH")
            }
        }
    }
}

struct BenchRow {
    let task: String
    let aviary: Double
    let pillow: Double
    var ratio: Double { aviary / pillow }
}

enum BenchError: Error, CustomStringConvertible {
    case peerFailed(command: String, status: Int32, output: String)

    var description: String {
        switch self {
        case .peerFailed(let command, let status, let output):
            "Pillow peer `\(command)` exited with \(status): \(output)\n"
                + "Install the peer's needs with `pip install pillow numpy scikit-image`, or pass --python PATH."
        }
    }
}

/// Runs a one-shot peer command (`prepare`, `compare`) and returns what it printed.
@discardableResult
func runPeerCommand(python: String, script: String, _ arguments: [String]) throws -> String {
    let process = try Spawner.spawn(executable: "/usr/bin/env", arguments: [python, script] + arguments,
                                    environment: ProcessInfo.processInfo.environment, standardOutput: .pipe)
    let output = String(decoding: process.standardOutput!.readToEnd(), as: UTF8.self)
    let status = process.waitBlocking().status
    guard status == 0 else {
        throw BenchError.peerFailed(command: ([python, script] + arguments).joined(separator: " "), status: status, output: output)
    }
    return output
}

/// Images/s of one round: `items` pieces of work spread over `workers` threads (item i goes to
/// thread i mod workers, as the peer's processes split them), each thread with its own decoder.
func timedRound(workers: Int, items: Int, work: @escaping @Sendable (ImageDecoder, Int) throws -> Void) throws -> Double {
    let failures = FailureLog()
    let start = DispatchTime.now().uptimeNanoseconds
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let decoder = ImageDecoder()
        do {
            for index in stride(from: worker, to: items, by: workers) { try work(decoder, index) }
        } catch {
            failures.record(error)
        }
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    if let error = failures.first { throw error }
    return Double(items) / seconds
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func record(_ error: any Error) { lock.withLock { errors.append(error) } }
    var first: (any Error)? { lock.withLock { errors.first } }
}

func printTable(_ rows: [BenchRow], workers: Int, peer: String) {
    print("")
    print("DataBench — \(workers) workers, images/s (median), higher is better; peer: \(peer)")
    let header = "task".padding(toLength: 40, withPad: " ", startingAt: 0) + "   AviaryVision        Pillow    ratio"
    print(header)
    print(String(repeating: "-", count: header.count))
    for row in rows {
        print(row.task.padding(toLength: 40, withPad: " ", startingAt: 0)
              + String(format: " %14.0f %13.0f %7.2fx", row.aviary, row.pillow, row.ratio))
    }
}

/// Shorter side to 256, centre 224×224: the standard evaluation transform.
func photoTask(_ decoder: ImageDecoder, _ path: String, _ decodeOptions: DecodeOptions) throws -> Image {
    let out = try decoder.decodeFile(atPath: path, options: decodeOptions)
        .resizedAndCenterCropped(shorterSide: 256, crop: Size(width: 224, height: 224))
    precondition(out.width == 224 && out.height == 224)
    return out
}
