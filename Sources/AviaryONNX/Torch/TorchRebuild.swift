/// What REDUCE may do: the calls `torch.save` records to rebuild a state dict, each checked for the
/// argument shapes PyTorch writes. Only these globals can reach here (`PickleGlobal`).
enum TorchRebuild {
    static func call(_ callable: PickleValue, _ arguments: PickleValue, path: String, offset: Int) throws(TorchCheckpointError) -> PickleValue {
        func bad(_ reason: String) -> TorchCheckpointError { .malformed(path: path, reason: "pickle byte \(offset): \(reason)") }
        guard case .global(let global) = callable else { throw bad("REDUCE on a \(callable.kind), which is not callable") }
        guard case .tuple(let tuple) = arguments, case let args = tuple.items else { throw bad("\(global.qualifiedName) called with a \(arguments.kind), not a tuple") }
        switch global {
        case .orderedDict:
            // OrderedDict() or OrderedDict([(key, value), …]).
            let dict = PickleDict()
            if let first = args.first {
                guard args.count == 1, case .list(let pairs) = first else { throw bad("collections.OrderedDict takes one list of pairs") }
                for pair in pairs.items {
                    guard case .tuple(let items) = pair, items.items.count == 2 else { throw bad("collections.OrderedDict pair is not a 2-tuple") }
                    if let refusal = dict.set(items.items[0], items.items[1]) { throw bad(refusal) }
                }
            }
            return .dict(dict)
        case .rebuildTensorV2, .rebuildTensor:
            // (storage, storage_offset, size, stride, requires_grad?, backward_hooks?, metadata?)
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let storageOffset) = args[1] else {
                throw bad("\(global.qualifiedName) expects (storage, offset, size, stride, …)")
            }
            let shape = try integers(args[2], "size", bad)
            let strides = try integers(args[3], "stride", bad)
            guard shape.count == strides.count else { throw bad("size \(shape) and stride \(strides) differ in length") }
            guard storageOffset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
                throw bad("negative offset, size or stride")
            }
            return .tensor(TorchTensorReference(storage: storage, offset: Int(storageOffset), shape: shape, strides: strides))
        case .rebuildParameter:
            // (data, requires_grad, backward_hooks): a Parameter is its data here.
            guard let data = args.first, case .tensor = data else { throw bad("torch._utils._rebuild_parameter expects a tensor") }
            return data
        case .storage:
            throw bad("\(global.qualifiedName) is only allowed inside a persistent id, not called")
        }
    }

    private static func integers(_ value: PickleValue, _ field: String,
                                 _ bad: (String) -> TorchCheckpointError) throws(TorchCheckpointError) -> [Int] {
        guard case .tuple(let tuple) = value, case let items = tuple.items else { throw bad("\(field) is a \(value.kind), not a tuple") }
        var result: [Int] = []
        for item in items {
            guard case .int(let number) = item else { throw bad("\(field) holds a \(item.kind)") }
            result.append(Int(number))
        }
        return result
    }
}
