import AviaryTensor

/// A value flowing through an imported graph: float data as an engine `Variable` (so it can be
/// differentiated), or a host constant — weights, shapes, axes — that importers read directly.
/// Constants become Variables only when a float operator consumes them.
public enum ImportedValue {
    case variable(Variable)
    case constant(HostArray)

    /// As an engine value; integer and bool constants are refused (the engine computes in Float32).
    func variable(_ context: NodeAttributes, input: String) throws(ONNXImportError) -> Variable {
        switch self {
        case .variable(let variable): return variable
        case .constant(let array):
            guard array.elementType == .float32 else {
                throw context.unsupported("input '\(input)'", "of element type \(array.elementType) (only float32 data)")
            }
            do {
                return Variable(try Tensor(shape: array.shape, scalars: array.floats()))
            } catch {
                throw context.unsupported("input '\(input)'", "(\(error))")
            }
        }
    }

    /// A host constant, for inputs the specification expects to be known at import (shapes, axes).
    func constant(_ context: NodeAttributes, input: String) throws(ONNXImportError) -> HostArray {
        guard case .constant(let array) = self else {
            throw context.unsupported("input '\(input)'", "computed at run time (it must be an initializer or a Constant)")
        }
        return array
    }

    /// The current value, computed or constant, for inputs no gradient flows into: Clip's bounds,
    /// BatchNormalization's running statistics (the graph runs eagerly, so both are known here).
    func currentValue(_ context: NodeAttributes, input: String) throws(ONNXImportError) -> HostArray {
        switch self {
        case .constant(let array): return array
        case .variable(let variable):
            do {
                return try HostArray(shape: variable.shape, values: variable.value.scalars)
            } catch {
                throw context.unsupported("input '\(input)'", "(\(error))")
            }
        }
    }

    /// Integer contents of a constant (int32 or int64), as ONNX shape and axis inputs hold.
    func integers(_ context: NodeAttributes, input: String) throws(ONNXImportError) -> [Int] {
        let array = try constant(context, input: input)
        switch array.elementType {
        case .int64: return ((try? array.values(as: Int64.self)) ?? []).map { Int($0) }
        case .int32: return ((try? array.values(as: Int32.self)) ?? []).map { Int($0) }
        default: throw context.unsupported("input '\(input)'", "of element type \(array.elementType) (expected int64)")
        }
    }

    var isVariable: Bool {
        if case .variable = self { true } else { false }
    }

    var shape: [Int] {
        switch self {
        case .variable(let variable): variable.shape
        case .constant(let array): array.shape
        }
    }
}
