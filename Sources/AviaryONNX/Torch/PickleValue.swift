/// The values the restricted unpickler builds. Lists and dicts are classes because pickle mutates
/// them after memoizing them (APPENDS, SETITEMS on a memo entry must be seen through every copy).
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// A LONG wider than 64 bits, kept as little-endian two's-complement bytes (the legacy magic number).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(PickleGlobal)
    case storage(TorchStorageReference)
    case tensor(TorchTensorReference)

    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let global): global.qualifiedName
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

final class PickleList {
    var items: [PickleValue] = []
}

final class PickleDict {
    var entries: [(key: PickleValue, value: PickleValue)] = []
}

/// The only callables a state dict needs. Anything else named by GLOBAL is refused before it can
/// be called, so a pickle cannot reach `os.system`, `builtins.eval` or any other code.
enum PickleGlobal: Equatable {
    case orderedDict
    case rebuildTensorV2
    case rebuildTensor
    case rebuildParameter
    case storage(ElementType)

    init?(module: String, name: String) {
        switch (module, name) {
        case ("collections", "OrderedDict"): self = .orderedDict
        case ("torch._utils", "_rebuild_tensor_v2"): self = .rebuildTensorV2
        case ("torch._utils", "_rebuild_tensor"): self = .rebuildTensor
        case ("torch._utils", "_rebuild_parameter"): self = .rebuildParameter
        case ("torch", _):
            guard let type = ElementType(torchStorageName: name) else { return nil }
            self = .storage(type)
        default: return nil
        }
    }

    var qualifiedName: String {
        switch self {
        case .orderedDict: "collections.OrderedDict"
        case .rebuildTensorV2: "torch._utils._rebuild_tensor_v2"
        case .rebuildTensor: "torch._utils._rebuild_tensor"
        case .rebuildParameter: "torch._utils._rebuild_parameter"
        case .storage(let type): "torch.\(type.torchStorageName ?? "?")"
        }
    }

    static let allowedNames = ["collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
                               "torch._utils._rebuild_parameter", "torch.<Type>Storage"]
}

/// A persistent id `('storage', torch.FloatStorage, key, location, numel)`: the tensor data lives
/// outside the pickle, in the zip entry `data/<key>` or after the pickles in the legacy format.
struct TorchStorageReference: Equatable {
    var key: String
    var elementType: ElementType
    var count: Int
}

struct TorchTensorReference: Equatable {
    var storage: TorchStorageReference
    var offset: Int
    var shape: [Int]
    var strides: [Int]
}
