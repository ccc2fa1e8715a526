/// A small convolutional network for tiny inputs (28×28 clothes and digits, 32×32 icons), the model
/// `aviary train --mode scratch` builds: three conv–BN–ReLU stages (the first two pooled), global
/// average pooling and a linear classifier. Global pooling makes it indifferent to the input size.
public final class SmallCNN: Module {
    public let features: Sequential
    public let classifier: Linear
    public var isTraining = true

    public init(inChannels: Int = 3, classes: Int, width: Int = 32, seed: UInt64 = 0) throws {
        var rng = PCG32(seed: seed)
        func stage(_ input: Int, _ output: Int, pooled: Bool) throws -> [any Module] {
            [try Conv2d(input, output, kernel: 3, padding: 1, bias: false, rng: &rng), BatchNorm2d(output), Layers.relu()]
                + (pooled ? [MaxPool2d(kernel: 2, stride: 2)] : [])
        }
        features = Sequential(try stage(inChannels, width, pooled: true) + stage(width, 2 * width, pooled: true)
                              + stage(2 * width, 4 * width, pooled: false) + [GlobalAvgPool2d(), Flatten()])
        classifier = Linear(4 * width, classes, rng: &rng)
    }

    public var children: [(String, any Module)] { [("features", features), ("classifier", classifier)] }

    public func forward(_ input: Variable) throws -> Variable {
        try classifier(try features(input))
    }
}
