/// Why the arrays given to `aviary onnx run` do not fit the model's inputs, said in terms of the
/// command line: which argument, which input, what the model declares.
public enum ModelInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooManyArrays(given: Int, inputs: [String])
    case missingInput(name: String, declared: String)
    case unknownInputName(name: String, inputs: [String])
    case boundTwice(name: String)
    case elementType(input: String, file: String, declared: String, found: ElementType)
    case rank(input: String, file: String, declared: [String], found: [Int])
    case dimension(input: String, file: String, axis: Int, declared: Int, found: Int)
    case inconsistentSymbol(symbol: String, first: String, firstSize: Int, second: String, secondSize: Int)
    case unreadable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .tooManyArrays(given, inputs):
            "\(given) arrays given, but the model has \(inputs.count) input\(inputs.count == 1 ? "" : "s") (\(inputs.joined(separator: ", ")))"
        case let .missingInput(name, declared):
            "no array for input '\(name)' (\(declared)); pass one in graph-input order or as \(name)=FILE.npy"
        case let .unknownInputName(name, inputs):
            "the model has no input '\(name)'; its inputs are \(inputs.joined(separator: ", "))"
        case let .boundTwice(name):
            "input '\(name)' is given twice"
        case let .elementType(input, file, declared, found):
            "\(file): input '\(input)' takes \(declared), but the file holds \(found)"
        case let .rank(input, file, declared, found):
            "\(file): input '\(input)' has shape [\(declared.joined(separator: ", "))], but the array has shape \(found)"
        case let .dimension(input, file, axis, declared, found):
            "\(file): input '\(input)' needs size \(declared) on axis \(axis), but the array has \(found)"
        case let .inconsistentSymbol(symbol, first, firstSize, second, secondSize):
            "dimension '\(symbol)' is \(firstSize) in input '\(first)' but \(secondSize) in input '\(second)'"
        case let .unreadable(file, reason):
            "\(file): \(reason)"
        }
    }
}
