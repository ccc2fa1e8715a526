/// The values the restricted unpickler builds. Containers are classes: pickle mutates lists and
/// dicts after memoizing them (APPENDS, SETITEMS on a memo entry must be seen through every copy),
/// and identity lets walks visit a shared container once.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// A LONG wider than 64 bits, kept as little-endian two's-complement bytes (the legacy magic number).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple(PickleTuple)
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

/// Containers record their nesting depth and freeze once placed inside another container. A state
/// dict fills each container before using it; freezing makes cycles impossible, keeps the recorded
/// depths exact, and so bounds the recursion of every walk and of deallocation.
class PickleContainer {
    static let depthLimit = 100
    fileprivate(set) var depth = 1
    fileprivate(set) var frozen = false

    /// Adds a child's depth; nil (and no change) when this container is frozen or would be too deep.
    fileprivate func admit(_ child: PickleValue) -> String? {
        let childDepth = child.adopt()
        guard !frozen else { return "a \(self is PickleDict ? "dict" : "list") is changed after being placed in another (a recursive structure)" }
        guard childDepth < Self.depthLimit else { return "values nest more than \(Self.depthLimit) levels deep" }
        depth = max(depth, childDepth + 1)
        return nil
    }
}

final class PickleList: PickleContainer {
    private(set) var items: [PickleValue] = []

    /// Returns why the append was refused, or nil.
    func append(_ item: PickleValue) -> String? {
        if let refusal = admit(item) { return refusal }
        items.append(item)
        return nil
    }
}

final class PickleDict: PickleContainer {
    private(set) var entries: [(key: PickleValue, value: PickleValue)] = []

    func set(_ key: PickleValue, _ value: PickleValue) -> String? {
        if let refusal = admit(key) ?? admit(value) { return refusal }
        entries.append((key, value))
        return nil
    }
}

final class PickleTuple {
    let items: [PickleValue]
    let depth: Int

    /// nil when the items nest too deeply.
    init?(_ items: [PickleValue]) {
        let depth = (items.map { $0.adopt() }.max() ?? 0) + 1
        guard depth <= PickleContainer.depthLimit else { return nil }
        self.items = items
        self.depth = depth
    }
}

extension PickleValue {
    /// Freezes a container that is being placed inside another, and returns its depth (0 for scalars).
    fileprivate func adopt() -> Int {
        switch self {
        case .list(let container as PickleContainer), .dict(let container as PickleContainer):
            container.frozen = true
            return container.depth
        case .tuple(let tuple): return tuple.depth
        default: return 0
        }
    }

    /// Identity of a container, for walks that visit each once.
    var containerIdentity: ObjectIdentifier? {
        switch self {
        case .list(let list): ObjectIdentifier(list)
        case .dict(let dict): ObjectIdentifier(dict)
        case .tuple(let tuple): ObjectIdentifier(tuple)
        default: nil
        }
    }
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
