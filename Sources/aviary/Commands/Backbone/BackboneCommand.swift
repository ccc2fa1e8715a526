import ArgumentParser

/// `aviary backbone`: the pretrained networks training and prediction build on.
struct BackboneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backbone",
        abstract: "Pull pretrained backbones from the zoo, add your own ONNX ones, and list them.",
        subcommands: [BackbonePullCommand.self, BackboneAddCommand.self, BackboneListCommand.self])
}
