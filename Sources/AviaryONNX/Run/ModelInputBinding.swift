import Foundation

/// Matches `.npy` arrays to a model's graph inputs — in graph-input order, or as `name=file.npy` —
/// and checks each against what the model declares (element type, rank, fixed sizes, and symbolic
/// sizes such as a batch "N" agreeing across inputs) before anything runs.
public struct ModelInputBinding: Sendable {
    public struct Input: Sendable, Equatable {
        public var name: String
        public var file: String
        public var array: HostArray
    }

    /// In graph-input order.
    public let inputs: [Input]

    public init(arguments: [String], model: Onnx_ModelProto,
                read: (URL) throws -> HostArray = { try NumPyFile.read($0) }) throws(ModelInputError) {
        let initializers = Set(model.graph.initializer.map(\.name))
        // Before IR version 4 initializers were listed as inputs too; they have values already.
        let declared = model.graph.input.filter { !initializers.contains($0.name) }
        let names = declared.map(\.name)
        var files: [String: String] = [:]
        var positional = 0
        for argument in arguments {
            let split = argument.firstIndex(of: "=").map { (String(argument[..<$0]), String(argument[argument.index(after: $0)...])) }
            if let (name, file) = split, names.contains(name) {
                guard files[name] == nil else { throw .boundTwice(name: name) }
                files[name] = file
            } else if let (name, _) = split, !FileManager.default.fileExists(atPath: argument) {
                throw .unknownInputName(name: name, inputs: names)
            } else {
                // The next input not already bound by name.
                while positional < names.count, files[names[positional]] != nil { positional += 1 }
                guard positional < names.count else { throw .tooManyArrays(given: arguments.count, inputs: names) }
                files[names[positional]] = argument
                positional += 1
            }
        }
        var symbols: [String: (input: String, size: Int)] = [:]
        var inputs: [Input] = []
        for info in declared {
            let spec = InputSpec(info)
            guard let file = files[info.name] else { throw .missingInput(name: info.name, declared: spec.description) }
            let array: HostArray
            do {
                array = try read(URL(fileURLWithPath: file))
            } catch {
                throw .unreadable(file: file, reason: "\(error)")
            }
            try spec.check(array, file: file, symbols: &symbols)
            inputs.append(Input(name: info.name, file: file, array: array))
        }
        self.inputs = inputs
    }
}

/// What a graph input declares, in the terms the checks need.
struct InputSpec: CustomStringConvertible {
    enum Dimension { case size(Int), symbol(String), unknown }

    let name: String
    let elementType: Int32?
    let dimensions: [Dimension]?

    init(_ info: Onnx_ValueInfoProto) {
        name = info.name
        guard case .tensorType(let tensor) = info.type.value else {
            elementType = nil
            dimensions = nil
            return
        }
        elementType = tensor.elemType
        dimensions = tensor.hasShape ? tensor.shape.dim.map { dim in
            switch dim.value {
            // Some exporters write -1 or 0 for "any size"; only positive sizes are checked.
            case .dimValue(let size) where size > 0: .size(Int(size))
            case .dimParam(let symbol) where !symbol.isEmpty && symbol != "?": .symbol(symbol)
            default: .unknown
            }
        } : nil
    }

    var typeName: String {
        guard let elementType else { return "a non-tensor value" }
        return ElementType(onnxDataType: elementType)?.rawValue ?? ElementType.onnxName(of: elementType).lowercased()
    }

    var shapeNames: [String] {
        (dimensions ?? []).map { dimension in
            switch dimension {
            case .size(let size): String(size)
            case .symbol(let symbol): symbol
            case .unknown: "?"
            }
        }
    }

    var description: String { dimensions == nil ? typeName : "\(typeName) [\(shapeNames.joined(separator: ", "))]" }

    func check(_ array: HostArray, file: String, symbols: inout [String: (input: String, size: Int)]) throws(ModelInputError) {
        if let elementType, elementType != array.elementType.onnxDataType {
            throw .elementType(input: name, file: file, declared: typeName, found: array.elementType)
        }
        guard let dimensions else { return }
        guard dimensions.count == array.shape.count else {
            throw .rank(input: name, file: file, declared: shapeNames, found: array.shape)
        }
        for (axis, (dimension, size)) in zip(dimensions, array.shape).enumerated() {
            switch dimension {
            case .size(let declared) where declared != size:
                throw .dimension(input: name, file: file, axis: axis, declared: declared, found: size)
            case .symbol(let symbol):
                if let seen = symbols[symbol], seen.size != size {
                    throw .inconsistentSymbol(symbol: symbol, first: seen.input, firstSize: seen.size, second: name, secondSize: size)
                }
                symbols[symbol] = symbols[symbol] ?? (name, size)
            default: break
            }
        }
    }
}
