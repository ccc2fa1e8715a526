import ArgumentParser
import AviaryCore
import Foundation

struct BackboneListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List this project's backbones with their input spec.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let backbones = try await BackboneCatalog(project: project).list()
            if json { try JSONOutput.print(backbones); return }
            if backbones.isEmpty {
                print("no backbones yet: `aviary backbone pull \(ZooBackbone.all[0].name)` or `aviary backbone add FILE.onnx --name NAME`")
                return
            }
            func numbers(_ values: [Float]) -> String { values.map { String(format: "%.4g", $0) }.joined(separator: ",") }
            print(TextTable(header: ["NAME", "SOURCE", "INPUT", "MEAN", "STD", "FEATURES", "SIZE", "SHA256"], rows: backbones.map {
                [$0.name, $0.source.rawValue, "\($0.preprocessing.inputSize)x\($0.preprocessing.inputSize)", numbers($0.preprocessing.mean),
                 numbers($0.preprocessing.std), "\($0.featureDimension)", "\(ByteCount($0.size))", String($0.sha256.prefix(12))]
            }).text)
        }
    }
}
