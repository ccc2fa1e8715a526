import AviaryONNX
import AviaryStore
import AviaryTensor

/// An imported ONNX graph run up to its feature value; whatever shape that value has past the
/// batch axis is flattened into one vector per image.
final class ONNXFeatureExtractor: FeatureExtractor {
    let graph: ONNXGraph
    let inputName: String
    let featureOutput: String
    let dimension: Int

    init(graph: ONNXGraph, inputName: String, featureOutput: String, dimension: Int) {
        self.graph = graph
        self.inputName = inputName
        self.featureOutput = featureOutput
        self.dimension = dimension
    }

    /// The graph with `featureOutput` made a graph output, so an intermediate value can be read.
    static func graph(_ model: Onnx_ModelProto, featureOutput: String) throws -> ONNXGraph {
        var model = model
        if !model.graph.output.contains(where: { $0.name == featureOutput }) {
            var info = Onnx_ValueInfoProto()
            info.name = featureOutput
            model.graph.output.append(info)
        }
        return try ONNXGraph(model)
    }

    func features(_ images: Tensor) throws -> Tensor {
        let input = try HostArray(shape: images.shape, values: images.scalars)
        let outputs = try GradientMode.withoutGradients { try graph.run([inputName: input]) }
        let values: Tensor
        switch outputs[featureOutput] {
        case .variable(let variable)?: values = variable.value
        case .constant(let array)?: values = try Tensor(shape: array.shape, scalars: array.floats())
        case nil: throw BackboneError.unsupported(name: featureOutput, operation: "be read: the graph computed no such value")
        }
        let batch = images.shape.first ?? 0
        guard batch > 0, values.count == batch * dimension else {
            throw BackboneError.unsupported(name: featureOutput, operation: "give \(dimension) features per image: it has shape \(values.shape)")
        }
        return try values.reshaped(to: [batch, dimension])
    }
}
