import AviaryNN
import AviaryONNX

/// The networks `aviary train` can build, by the names the CLI and the artifact use.
public enum ClassifierModels {
    public static func make(_ architecture: String, classes: Int, seed: UInt64) throws -> any Module {
        switch architecture {
        case "small-cnn": try SmallCNN(classes: classes, seed: seed)
        case "resnet18": try ResNet.resnet18(classes: classes, seed: seed)
        case "mobilenet-v2": try MobileNetV2(classes: classes, seed: seed)
        case "efficientnet-lite0": try EfficientNetLite0(classes: classes, seed: seed)
        default: throw TrainingError.invalidConfiguration(field: "architecture", detail: "'\(architecture)' is not one of \(TrainingConfiguration.architectures.joined(separator: ", "))")
        }
    }

    /// Every `Dropout` (and an imported graph's Dropout nodes) in the model reseeded from (seed,
    /// epoch), so an epoch's masks do not depend on how many epochs ran before in this process: a
    /// resumed run draws what an unbroken one drew.
    static func reseedDropout(_ model: any Module, seed: UInt64, epoch: Int) {
        var counter: UInt64 = 0
        func visit(_ module: any Module) {
            if let dropout = module as? Dropout {
                dropout.rng = PCG32(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ counter)
                counter += 1
            }
            if let imported = (module as? ImportedModule) ?? (module as? ImportedBackbone)?.graph {
                imported.dropoutGenerator = PCG32(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15 &+ counter)
                counter += 1
            }
            for (_, child) in module.children { visit(child) }
        }
        visit(model)
    }
}
