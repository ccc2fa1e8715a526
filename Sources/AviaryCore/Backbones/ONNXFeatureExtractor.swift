import AviaryNN
import AviaryONNX
import AviaryTensor

/// An imported ONNX graph cut at its feature value (`ImportedBackbone`: only the nodes the
/// features need run), in evaluation mode; whatever shape that value has past the batch axis is
/// flattened into one vector per image.
final class ONNXFeatureExtractor: FeatureExtractor {
    let backbone: ImportedBackbone
    let dimension: Int

    init(backbone: ImportedBackbone, dimension: Int) {
        self.backbone = backbone
        self.dimension = dimension
        backbone.eval()
    }

    func features(_ images: Tensor) throws -> Tensor {
        let values = try GradientMode.withoutGradients { try backbone.features(Variable(images)).value }
        guard values.shape == [images.shape.first ?? 0, dimension] else {
            throw BackboneError.unsupported(name: backbone.featureOutput, operation: "give \(dimension) features per image: it gives \(values.shape) for input \(images.shape)")
        }
        return values
    }
}
