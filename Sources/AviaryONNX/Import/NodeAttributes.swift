/// Typed access to a node's attributes for operator importers. Absent attributes read as nil, so
/// each importer states its own ONNX defaults; a present attribute of the wrong type, or one the
/// importer does not handle (`rejectUnknown`), is an error naming the node, operator and opset.
public struct NodeAttributes: Sendable {
    public let node: Onnx_NodeProto
    public let label: String
    public let opset: Int64
    private let byName: [String: Onnx_AttributeProto]

    public init(_ node: Onnx_NodeProto, index: Int, opset: Int64) {
        self.init(node, label: node.label(index: index), opset: opset)
    }

    /// The same node with rewritten attributes, keeping the original's name in errors.
    init(_ node: Onnx_NodeProto, label: String, opset: Int64) {
        self.node = node
        self.label = label
        self.opset = opset
        var byName: [String: Onnx_AttributeProto] = [:]
        for attribute in node.attribute { byName[attribute.name] = attribute }
        self.byName = byName
    }

    public var names: [String] { node.attribute.map(\.name) }
    public func has(_ name: String) -> Bool { byName[name] != nil }

    public func int(_ name: String) throws(ONNXImportError) -> Int64? {
        try typed(name, .int, present: { $0.hasI }).map(\.i)
    }

    public func ints(_ name: String) throws(ONNXImportError) -> [Int64]? {
        try typed(name, .ints, present: { !$0.ints.isEmpty }).map(\.ints)
    }

    public func float(_ name: String) throws(ONNXImportError) -> Float? {
        try typed(name, .float, present: { $0.hasF }).map(\.f)
    }

    public func floats(_ name: String) throws(ONNXImportError) -> [Float]? {
        try typed(name, .floats, present: { !$0.floats.isEmpty }).map(\.floats)
    }

    public func string(_ name: String) throws(ONNXImportError) -> String? {
        guard let attribute = try typed(name, .string, present: { $0.hasS }) else { return nil }
        return String(decoding: attribute.s, as: UTF8.self)
    }

    public func tensor(_ name: String) throws(ONNXImportError) -> HostArray? {
        guard let attribute = try typed(name, .tensor, present: { $0.hasT }) else { return nil }
        do {
            return try HostArray(attribute.t)
        } catch {
            throw .unsupportedAttribute(node: label, op: node.opType, opset: opset, attribute: name, detail: "(\(error))")
        }
    }

    /// For attributes without a default in the operator's specification.
    public func required<T>(_ name: String, _ read: (String) throws(ONNXImportError) -> T?) throws(ONNXImportError) -> T {
        guard let value = try read(name) else {
            throw .missingAttribute(node: label, op: node.opType, opset: opset, attribute: name)
        }
        return value
    }

    /// Refuses attributes the importer does not implement, rather than ignoring what changes the result.
    public func rejectUnknown(except known: Set<String>) throws(ONNXImportError) {
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw .unsupportedAttribute(node: label, op: node.opType, opset: opset, attribute: unknown, detail: "(not implemented)")
        }
    }

    /// An error for a value the importer cannot honour, e.g. `unsupported("auto_pad", "= VALID")`.
    public func unsupported(_ attribute: String, _ detail: String) -> ONNXImportError {
        .unsupportedAttribute(node: label, op: node.opType, opset: opset, attribute: attribute, detail: detail)
    }

    /// Older exporters leave `type` unset; then the field that holds a value decides.
    private func typed(_ name: String, _ expected: Onnx_AttributeProto.AttributeType,
                       present: (Onnx_AttributeProto) -> Bool) throws(ONNXImportError) -> Onnx_AttributeProto? {
        guard let attribute = byName[name] else { return nil }
        if attribute.type == expected || (attribute.type == .undefined && present(attribute)) { return attribute }
        throw .attributeType(node: label, op: node.opType, attribute: name, expected: Self.typeName(expected),
                             found: attribute.type == .undefined ? "untyped" : Self.typeName(attribute.type))
    }

    static func typeName(_ type: Onnx_AttributeProto.AttributeType) -> String {
        switch type {
        case .float: "a float"
        case .int: "an int"
        case .string: "a string"
        case .tensor: "a tensor"
        case .graph: "a graph"
        case .sparseTensor: "a sparse tensor"
        case .typeProto: "a type"
        case .floats: "a list of floats"
        case .ints: "a list of ints"
        case .strings: "a list of strings"
        case .tensors: "a list of tensors"
        case .graphs: "a list of graphs"
        case .sparseTensors: "a list of sparse tensors"
        case .typeProtos: "a list of types"
        case .undefined: "undefined"
        }
    }
}
