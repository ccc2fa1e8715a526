import ArgumentParser
import AviaryCore
import AviaryStore
import AviaryVision
import Foundation

/// Tools for testing Aviary itself; hidden from help.
struct DebugCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Tools for testing Aviary itself.", shouldDisplay: false,
        subcommands: [WriteLoad.self])

    /// Writes blobs and records in a loop and acknowledges each on standard output once it is durable,
    /// so that crash and concurrency tests can kill it at any moment and check what survived.
    struct WriteLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "write-load")
        @OptionGroup var options: GlobalOptions
        @Option(help: "How many writes (0: until killed).") var count = 0
        @Option(help: "Bytes per blob.") var size = 256 * 1024
        @Option(help: "A tag that makes this writer's blobs and record ids unique.") var writer = "w"

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                var index = 0
                while count == 0 || index < count {
                    var generator = SeededGenerator(seed: StableHash.of("\(writer)-\(index)"))
                    var bytes = [UInt8](repeating: 0, count: size)
                    for offset in stride(from: 0, to: size, by: 8) {
                        withUnsafeBytes(of: generator.next()) { word in
                            for byte in 0..<min(8, size - offset) { bytes[offset + byte] = word[byte] }
                        }
                    }
                    let blob = try project.blobs.put(Data(bytes))
                    let id = "\(writer)-\(index)"
                    let record = Record(kind: "debug.write", id: id, body: Data("{\"index\":\(index)}".utf8), blobs: [blob.id])
                    try await project.metadata.write(WriteBatch(records: [record], events: [NewEvent(type: "debug.written", subject: "debug.write/\(id)")]))
                    FileHandle.standardOutput.write(Data("ack \(id) \(blob.id)\n".utf8))
                    index += 1
                }
            }
        }
    }
}
