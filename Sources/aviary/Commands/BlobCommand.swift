import ArgumentParser
import AviaryCore
import AviaryStore
import Foundation

/// Plumbing for the blob store, the way git has `hash-object` and `cat-file`.
struct BlobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "blob", abstract: "Store, read and list content-addressed blobs.",
        subcommands: [Put.self, Get.self, List.self])

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store files and print their blob ids, one per line.",
            discussion: "`-` reads standard input. Storing content that is already there is a no-op.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "Files to store.") var files: [String]
        @Flag(help: "Print a JSON array of {path, id, size}.") var json = false

        func run() async throws {
            try await CommandRunner.run(options) { project, logger in
                struct Stored: Encodable { var path: String; var id: BlobID; var size: Int64 }
                var stored: [Stored] = []
                for file in files {
                    let source = file == "-" ? FileBlobSource(descriptor: 0, name: "standard input")
                                             : try FileBlobSource(url: URL(fileURLWithPath: file))
                    let info = try project.blobs.put(from: source)
                    logger.info("stored blob", metadata: ["path": "\(file)", "id": "\(info.id)", "size": "\(info.size)"])
                    stored.append(Stored(path: file, id: info.id, size: info.size))
                    if !json { print(info.id) }
                }
                if json { try JSONOutput.print(stored) }
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a blob's bytes to standard output or a file.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The blob id (sha256:…).") var id: String
        @Option(name: .shortAndLong, help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                let blob = try BlobID(parsing: id)
                guard let output else {
                    try project.blobs.read(blob) { FileHandle.standardOutput.write(Data($0)) }
                    return
                }
                try AtomicFile.write(to: URL(fileURLWithPath: output)) { handle in
                    try project.blobs.read(blob) { handle.write(Data($0)) }
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List stored blobs with their sizes.")

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print a JSON array of {id, size}.") var json = false

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                let blobs = try project.blobs.list()
                if json {
                    try JSONOutput.print(blobs)
                } else {
                    for blob in blobs { print("\(blob.id)  \(blob.size)") }
                }
            }
        }
    }
}
