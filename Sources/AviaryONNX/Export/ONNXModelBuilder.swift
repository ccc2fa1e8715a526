import Foundation

/// Assembles a `ModelProto` the way `onnx.helper` does (attributes sorted by name, weights as
/// `raw_data`, the lowest IR version the opset allows), so that exported models are what the ONNX
/// tools themselves would write and pass `onnx.checker`.
public struct ONNXModelBuilder: Sendable {
    /// A graph input or output dimension: a size, or a symbolic name such as "N" for the batch.
    public enum Dimension: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
        case size(Int)
        case symbol(String)
        public init(integerLiteral value: Int) { self = .size(value) }
        public init(stringLiteral value: String) { self = .symbol(value) }
    }

    public enum Attribute: Sendable, Equatable {
        case int(Int64)
        case ints([Int64])
        case float(Float)
        case floats([Float])
        case string(String)
        case tensor(HostArray)
    }

    public let opset: Int64
    public var producerName = "aviary"
    public var producerVersion = ""
    private var graph = Onnx_GraphProto()

    /// Opsets 7 to 24; the IR version follows from the opset (onnx.helper.VERSION_TABLE).
    public init(graphName: String, opset: Int64) {
        precondition((7...24).contains(opset), "ONNX opsets 7 to 24 are supported for export")
        self.opset = opset
        graph.name = graphName
    }

    /// The IR version that first allows `opset` of the default domain.
    public static func irVersion(forOpset opset: Int64) -> Int64 {
        switch opset {
        case ...8: 3
        case 9: 4
        case 10: 5
        case 11: 6
        case 12...14: 7
        case 15...18: 8
        case 19...20: 9
        case 21...22: 10
        case 23: 11
        default: 12
        }
    }

    public mutating func addInput(_ name: String, _ type: ElementType, shape: [Dimension]) {
        graph.input.append(Self.valueInfo(name, type, shape))
    }

    public mutating func addOutput(_ name: String, _ type: ElementType, shape: [Dimension]) {
        graph.output.append(Self.valueInfo(name, type, shape))
    }

    public mutating func addInitializer(_ name: String, _ array: HostArray) {
        graph.initializer.append(Onnx_TensorProto(name: name, array: array))
    }

    public mutating func addNode(_ op: String, inputs: [String], outputs: [String], name: String = "",
                                 attributes: [String: Attribute] = [:]) {
        var node = Onnx_NodeProto()
        node.opType = op
        node.input = inputs
        node.output = outputs
        if !name.isEmpty { node.name = name }
        node.attribute = attributes.sorted { $0.key < $1.key }.map { Self.attribute($0.key, $0.value) }
        graph.node.append(node)
    }

    public func build() -> Onnx_ModelProto {
        var model = Onnx_ModelProto()
        model.irVersion = Self.irVersion(forOpset: opset)
        var import_ = Onnx_OperatorSetIdProto()
        import_.domain = ""
        import_.version = opset
        model.opsetImport = [import_]
        model.producerName = producerName
        if !producerVersion.isEmpty { model.producerVersion = producerVersion }
        model.graph = graph
        return model
    }

    private static func valueInfo(_ name: String, _ type: ElementType, _ shape: [Dimension]) -> Onnx_ValueInfoProto {
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = type.onnxDataType
        var shapeProto = Onnx_TensorShapeProto()
        shapeProto.dim = shape.map { dimension in
            var dim = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .size(let size): dim.dimValue = Int64(size)
            case .symbol(let symbol): dim.dimParam = symbol
            }
            return dim
        }
        tensor.shape = shapeProto
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensor
        return info
    }

    private static func attribute(_ name: String, _ value: Attribute) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        switch value {
        case .int(let int): attribute.type = .int; attribute.i = int
        case .ints(let ints): attribute.type = .ints; attribute.ints = ints
        case .float(let float): attribute.type = .float; attribute.f = float
        case .floats(let floats): attribute.type = .floats; attribute.floats = floats
        case .string(let string): attribute.type = .string; attribute.s = Data(string.utf8)
        case .tensor(let array): attribute.type = .tensor; attribute.t = Onnx_TensorProto(name: "", array: array)
        }
        return attribute
    }
}
