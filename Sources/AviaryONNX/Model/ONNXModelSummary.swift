/// What `aviary onnx inspect` shows: enough to know whether a model fits a task (its inputs and
/// outputs), which importer features it needs (opsets, operators) and how big it is.
public struct ONNXModelSummary: Codable, Sendable, Equatable {
    public struct Opset: Codable, Sendable, Equatable {
        /// "ai.onnx" for the default domain, which onnx.proto spells as an empty string.
        public var domain: String
        public var version: Int64
    }

    public struct Value: Codable, Sendable, Equatable {
        public var name: String
        /// float32, int64…; or the ONNX name of a type Aviary does not hold (string), or sequence/map/optional.
        public var elementType: String
        /// One entry per dimension: a size, a symbolic name such as "N", or "?"; nil when the rank is unknown.
        public var shape: [String]?
    }

    public struct OperatorCount: Codable, Sendable, Equatable {
        /// The op type, prefixed with its domain when that is not the default ("com.microsoft.FusedConv").
        public var op: String
        public var count: Int
    }

    public var irVersion: Int64
    public var producer: String
    public var opsets: [Opset]
    public var inputs: [Value]
    public var outputs: [Value]
    public var nodeCount: Int
    /// Most frequent first, ties by name.
    public var operators: [OperatorCount]
    /// Elements in initializers and Constant nodes of the main graph.
    public var parameterCount: Int
    public var initializerCount: Int
    public var constantCount: Int

    public init(_ model: Onnx_ModelProto) {
        let graph = model.graph
        irVersion = model.irVersion
        producer = [model.producerName, model.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        opsets = model.opsetImport.map { Opset(domain: $0.domain.isEmpty ? "ai.onnx" : $0.domain, version: $0.version) }
        // Before IR version 4, initializers were also listed as graph inputs; they are weights, not inputs.
        let initializerNames = Set(graph.initializer.map(\.name))
        inputs = graph.input.filter { !initializerNames.contains($0.name) }.map(Self.value)
        outputs = graph.output.map(Self.value)
        nodeCount = graph.node.count
        var histogram: [String: Int] = [:]
        for node in graph.node {
            let domain = node.domain == "ai.onnx" ? "" : node.domain
            histogram[domain.isEmpty ? node.opType : "\(domain).\(node.opType)", default: 0] += 1
        }
        operators = histogram.map { OperatorCount(op: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.op) > ($1.count, $0.op) }
        let constants = graph.node.filter { $0.opType == "Constant" && ($0.domain.isEmpty || $0.domain == "ai.onnx") }
        initializerCount = graph.initializer.count
        constantCount = constants.count
        parameterCount = graph.initializer.reduce(0) { $0 + Self.elementCount($1) } + constants.reduce(0) { $0 + Self.constantElements($1) }
    }

    private static func elementCount(_ tensor: Onnx_TensorProto) -> Int { tensor.dims.reduce(1) { $0 * Int($1) } }

    private static func constantElements(_ node: Onnx_NodeProto) -> Int {
        guard let attribute = node.attribute.first else { return 0 }
        switch attribute.name {
        case "value": return elementCount(attribute.t)
        case "sparse_value": return attribute.sparseTensor.values.dims.reduce(1) { $0 * Int($1) }
        case "value_float", "value_int", "value_string": return 1
        case "value_floats": return attribute.floats.count
        case "value_ints": return attribute.ints.count
        case "value_strings": return attribute.strings.count
        default: return 0
        }
    }

    private static func value(_ info: Onnx_ValueInfoProto) -> Value {
        switch info.type.value {
        case .tensorType(let tensor):
            let type = ElementType(onnxDataType: tensor.elemType)?.rawValue ?? ElementType.onnxName(of: tensor.elemType).lowercased()
            return Value(name: info.name, elementType: type, shape: tensor.hasShape ? tensor.shape.dim.map(dimension) : nil)
        case .sequenceType: return Value(name: info.name, elementType: "sequence", shape: nil)
        case .mapType: return Value(name: info.name, elementType: "map", shape: nil)
        case .optionalType: return Value(name: info.name, elementType: "optional", shape: nil)
        case .sparseTensorType(let tensor):
            let type = ElementType(onnxDataType: tensor.elemType)?.rawValue ?? ElementType.onnxName(of: tensor.elemType).lowercased()
            return Value(name: info.name, elementType: "sparse " + type, shape: tensor.hasShape ? tensor.shape.dim.map(dimension) : nil)
        case nil: return Value(name: info.name, elementType: "?", shape: nil)
        }
    }

    private static func dimension(_ dim: Onnx_TensorShapeProto.Dimension) -> String {
        switch dim.value {
        case .dimValue(let size): String(size)
        case .dimParam(let name): name.isEmpty ? "?" : name
        case nil: "?"
        }
    }
}
