@testable import AviaryONNX
import Foundation

/// One folder of the ONNX backend node tests (`onnx/backend/test/data/node/test_*`): the model and
/// test_data_set_0's inputs and expected outputs, each matched to its graph value by position.
struct BackendNodeTestCase {
    enum Value {
        case tensor(HostArray)
        /// A type Aviary does not hold (strings, float8, int4…), named as onnx.proto names it.
        case refusedType(String)
        /// Sequences, maps and optionals: outside the supported operators.
        case notATensor
    }

    let name: String
    let model: Onnx_ModelProto
    let inputs: [(name: String, value: Value)]
    let outputs: [(name: String, value: Value)]

    /// The operators issue 4 asks the importer to support; the conformance run takes every node
    /// test whose model uses only these (in the default domain).
    static let issueOperators: Set<String> = [
        "Conv", "ConvTranspose", "BatchNormalization", "Relu", "Clip", "HardSigmoid", "HardSwish", "Sigmoid", "Add", "Sub",
        "Mul", "Div", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "Flatten", "Reshape", "Concat",
        "Softmax", "Pad", "Transpose", "ReduceMean", "Resize", "Dropout", "Identity", "Constant",
    ]

    /// The operator types of the model's nodes, domain-qualified outside the default domain.
    var operators: Set<String> {
        Set(model.graph.node.map { $0.domain.isEmpty || $0.domain == "ai.onnx" ? $0.opType : "\($0.domain).\($0.opType)" })
    }

    init(folder: URL) throws {
        name = folder.lastPathComponent
        model = try ONNXModelFile.load(folder.appendingPathComponent("model.onnx"))
        let initializers = Set(model.graph.initializer.map(\.name))
        let data = folder.appendingPathComponent("test_data_set_0")
        inputs = try Self.values(model.graph.input.filter { !initializers.contains($0.name) }, prefix: "input", in: data)
        outputs = try Self.values(model.graph.output, prefix: "output", in: data)
    }

    private static func values(_ infos: [Onnx_ValueInfoProto], prefix: String, in folder: URL) throws -> [(name: String, value: Value)] {
        var result: [(name: String, value: Value)] = []
        for (index, info) in infos.enumerated() {
            let file = folder.appendingPathComponent("\(prefix)_\(index).pb")
            // Optional inputs may be left out of the data set.
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            guard case .tensorType = info.type.value else { result.append((info.name, .notATensor)); continue }
            do {
                result.append((info.name, .tensor(try HostArray.readTensorProto(at: file).array)))
            } catch ONNXError.unsupportedDataType(_, let type) {
                result.append((info.name, .refusedType(ElementType.onnxName(of: type))))
            }
        }
        return result
    }
}
