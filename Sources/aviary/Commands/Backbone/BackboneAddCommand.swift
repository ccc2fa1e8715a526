import ArgumentParser
import AviaryCore
import Foundation

struct BackboneAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register an ONNX network as a backbone: its input spec and the value used as features.",
        discussion: "The model is imported up to its features (every operator there checked) and run once on a blank image to learn the feature dimension. Train on it with aviary train --mode head|finetune --backbone NAME.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The .onnx file.") var file: String
    @Option(help: "The backbone's name.") var name: String
    @Option(help: "The side of the square input: needed when the model leaves height and width open (default: its fixed size).") var inputSize: Int?
    @Option(help: ArgumentHelp("Per-channel mean after scaling to 0…1, as R,G,B (default: ImageNet's).", valueName: "r,g,b")) var mean: String?
    @Option(help: ArgumentHelp("Per-channel std after scaling to 0…1, as R,G,B (default: ImageNet's).", valueName: "r,g,b")) var std: String?
    @Option(help: ArgumentHelp("The value taken as features: a graph output or any intermediate value (default: the input of the last classifier Gemm/MatMul, else the first output).", valueName: "name"))
    var features: String?

    func run() async throws {
        let mean = try mean.map { try Self.triple($0, option: "--mean") }
        let std = try std.map { try Self.triple($0, option: "--std") }
        try await CommandRunner.run(options) { project, _ in
            let (backbone, isNew) = try await BackboneCatalog(project: project).addONNX(
                URL(fileURLWithPath: file), name: name,
                options: .init(inputSize: inputSize, mean: mean, std: std, featureOutput: features))
            print("\(backbone.name): \(isNew ? "added" : "already registered"), \(backbone.preprocessing.inputSize)×\(backbone.preprocessing.inputSize) "
                  + "input '\(backbone.inputName ?? "?")', \(backbone.featureDimension) features from '\(backbone.featureOutput ?? "?")', sha256:\(backbone.sha256)")
        }
    }

    static func triple(_ text: String, option: String) throws -> [Float] {
        let values = text.split(separator: ",").compactMap { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3, text.split(separator: ",").count == 3 else {
            throw ValidationError("\(option) takes three numbers, R,G,B (such as 0.485,0.456,0.406), not '\(text)'")
        }
        return values
    }
}
