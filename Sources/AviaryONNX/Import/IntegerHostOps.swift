import AviaryTensor

/// Clip and MaxPool on 8- and 16-bit integer tensors. Float32 holds every such value exactly, and
/// both operators only select or bound values, so they run as the float operators do on a
/// converted copy and the result converts back: exact, and no gradient is involved (integer data
/// is a host constant). Wider integers are refused rather than rounded.
enum IntegerHostOps {
    static let exactTypes: Set<ElementType> = [.int8, .uint8, .int16, .uint16]

    static func applies(to input: ImportedValue?) -> Bool {
        guard case .constant(let array)? = input else { return false }
        return HostArithmetic.integerTypes.contains(array.elementType)
    }

    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?],
                      float: (NodeAttributes, [ImportedValue?]) throws -> [ImportedValue]) throws -> ImportedValue {
        guard case .constant(let data)? = inputs.first ?? nil, exactTypes.contains(data.elementType) else {
            throw node.unsupported("input 0", "of element type \(inputs.first??.elementTypeName ?? "unknown") (8- and 16-bit integers only)")
        }
        guard node.node.output.dropFirst().allSatisfy(\.isEmpty) else { throw node.unsupported("output Indices", "on \(data.elementType) data") }
        let converted = try inputs.map { value throws -> ImportedValue? in
            guard case .constant(let array)? = value else { return value }
            guard array.elementType == data.elementType else { throw node.unsupported("inputs", "of mixed element types \(data.elementType) and \(array.elementType)") }
            return .constant(try HostArray(shape: array.shape, values: array.floats()))
        }
        guard let result = try float(node, converted).first else { throw node.unsupported("output", "is missing") }
        let values = try result.currentValue(node, input: node.node.output.first ?? "Y")
        return .constant(try pack(values.floats(), shape: values.shape, as: data.elementType))
    }

    static func pack(_ values: [Float], shape: [Int], as type: ElementType) throws -> HostArray {
        switch type {
        case .int8: try HostArray(shape: shape, values: values.map { Int8($0) })
        case .uint8: try HostArray(shape: shape, values: values.map { UInt8($0) })
        case .int16: try HostArray(shape: shape, values: values.map { Int16($0) })
        default: try HostArray(shape: shape, values: values.map { UInt16($0) })
        }
    }
}

extension ImportedValue {
    var elementTypeName: String {
        switch self {
        case .variable: "float32"
        case .constant(let array): "\(array.elementType)"
        }
    }
}
