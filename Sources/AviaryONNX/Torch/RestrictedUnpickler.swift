/// A pickle virtual machine that knows only what `torch.save(state_dict)` emits: containers,
/// numbers, strings, persistent storage ids and the few allowlisted globals in `PickleGlobal`.
/// It never runs code: an unknown global or opcode stops the load with an error that names it.
struct RestrictedUnpickler {
    let bytes: [UInt8]
    let path: String
    private(set) var position: Int
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    /// Loads stay far below this; a larger memo index means a corrupt or hostile file.
    static let memoLimit = 10_000_000

    init(_ bytes: [UInt8], path: String, start: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.position = start
    }

    /// Runs one pickle from `position` to its STOP; `position` is then just after it, where the
    /// legacy format's next pickle starts.
    mutating func load() throws(TorchCheckpointError) -> PickleValue {
        stack = []
        marks = []
        memo = [:]
        while true {
            let at = position
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try take(8)  // FRAME: a length hint only
            case 0x2E:  // STOP
                guard let result = stack.popLast() else { throw malformed(at, "STOP with an empty stack") }
                return result
            case 0x28: marks.append(stack.count)  // MARK
            case 0x7D: stack.append(.dict(PickleDict()))  // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList()))  // EMPTY_LIST
            case 0x29: stack.append(try tuple([], at))  // EMPTY_TUPLE
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4B: stack.append(.int(Int64(try byte())))  // BININT1
            case 0x4D: stack.append(.int(Int64(try littleEndian(2))))  // BININT2
            case 0x4A: stack.append(.int(Int64(Int32(truncatingIfNeeded: try littleEndian(4)))))  // BININT
            case 0x8A: stack.append(Self.long(try take(Int(try byte()))))  // LONG1
            case 0x8B: stack.append(Self.long(try take(try length(4, at))))  // LONG4
            case 0x47:  // BINFLOAT, big-endian
                let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                stack.append(.float(Double(bitPattern: raw)))
            case 0x58: stack.append(.string(try utf8(try take(try length(4, at)), at)))  // BINUNICODE
            case 0x8C: stack.append(.string(try utf8(try take(Int(try byte())), at)))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try utf8(try take(try length(8, at)), at)))  // BINUNICODE8
            case 0x54: stack.append(.string(String(decoding: try take(try length(4, at)), as: UTF8.self)))  // BINSTRING
            case 0x55: stack.append(.string(String(decoding: try take(Int(try byte())), as: UTF8.self)))  // SHORT_BINSTRING
            case 0x42: stack.append(.bytes(try take(try length(4, at))))  // BINBYTES
            case 0x43: stack.append(.bytes(try take(Int(try byte()))))  // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes(try take(try length(8, at))))  // BINBYTES8
            case 0x71: try remember(Int(try byte()), at)  // BINPUT
            case 0x72: try remember(Int(try littleEndian(4)), at)  // LONG_BINPUT
            case 0x94: try remember(memo.count, at)  // MEMOIZE
            case 0x68: try recall(Int(try byte()), at)  // BINGET
            case 0x6A: try recall(Int(try littleEndian(4)), at)  // LONG_BINGET
            case 0x30: _ = try pop(at)  // POP
            case 0x74: stack.append(try tuple(try popToMark(at), at))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                let count = Int(opcode - 0x84)
                guard stack.count >= count else { throw malformed(at, "TUPLE\(count) needs \(count) values") }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                stack.append(try tuple(items, at))
            case 0x61:  // APPEND
                let value = try pop(at)
                try refuse(try list(at).append(value), at)
            case 0x65:  // APPENDS
                let values = try popToMark(at)
                let target = try list(at)
                for value in values { try refuse(target.append(value), at) }
            case 0x73:  // SETITEM
                let value = try pop(at)
                let key = try pop(at)
                try refuse(try dict(at).set(key, value), at)
            case 0x75:  // SETITEMS
                let values = try popToMark(at)
                guard values.count % 2 == 0 else { throw malformed(at, "SETITEMS with an odd number of values") }
                let target = try dict(at)
                for index in stride(from: 0, to: values.count, by: 2) { try refuse(target.set(values[index], values[index + 1]), at) }
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line(at)
                let name = try line(at)
                stack.append(.global(try resolve(module, name)))
            case 0x93:  // STACK_GLOBAL
                let name = try pop(at)
                let module = try pop(at)
                guard case .string(let nameText) = name, case .string(let moduleText) = module else {
                    throw malformed(at, "STACK_GLOBAL needs two strings")
                }
                stack.append(.global(try resolve(moduleText, nameText)))
            case 0x51: stack.append(try persistentStorage(try pop(at), at))  // BINPERSID
            case 0x52:  // REDUCE
                let arguments = try pop(at)
                let callable = try pop(at)
                stack.append(try TorchRebuild.call(callable, arguments, path: path, offset: at))
            case 0x62:  // BUILD: only an OrderedDict's attributes (`_metadata`), which carry no tensors
                _ = try pop(at)
                guard case .dict = stack.last else {
                    throw .unsupported(path: path, offset: at, what: "BUILD on a \(stack.last?.kind ?? "nothing") (only a dict's attributes are allowed)")
                }
            default:
                throw .unsupported(path: path, offset: at, what: "pickle opcode \(Self.opcodeName(opcode))")
            }
        }
    }

    private func resolve(_ module: String, _ name: String) throws(TorchCheckpointError) -> PickleGlobal {
        guard let global = PickleGlobal(module: module, name: name) else { throw .forbiddenGlobal(path: path, name: "\(module).\(name)") }
        return global
    }

    private func persistentStorage(_ id: PickleValue, _ at: Int) throws(TorchCheckpointError) -> PickleValue {
        guard case .tuple(let tuple) = id, case let parts = tuple.items, parts.count >= 5, case .string("storage") = parts[0],
              case .global(.storage(let type)) = parts[1], case .int(let count) = parts[4] else {
            throw malformed(at, "a persistent id must be ('storage', torch.<Type>Storage, key, location, numel)")
        }
        let key: String
        switch parts[2] {
        case .string(let text): key = text
        case .int(let number): key = String(number)
        default: throw malformed(at, "storage key is a \(parts[2].kind)")
        }
        guard count >= 0 else { throw malformed(at, "storage '\(key)' has a negative size") }
        return .storage(TorchStorageReference(key: key, elementType: type, count: Int(count)))
    }

    // MARK: stack and memo

    private func tuple(_ items: [PickleValue], _ at: Int) throws(TorchCheckpointError) -> PickleValue {
        guard let tuple = PickleTuple(items) else { throw malformed(at, "values nest more than \(PickleContainer.depthLimit) levels deep") }
        return .tuple(tuple)
    }

    private func refuse(_ refusal: String?, _ at: Int) throws(TorchCheckpointError) {
        if let refusal { throw malformed(at, refusal) }
    }

    private mutating func pop(_ at: Int) throws(TorchCheckpointError) -> PickleValue {
        guard let value = stack.popLast() else { throw malformed(at, "stack underflow") }
        if let mark = marks.last, mark > stack.count { throw malformed(at, "value taken across a MARK") }
        return value
    }

    private mutating func popToMark(_ at: Int) throws(TorchCheckpointError) -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw malformed(at, "no MARK") }
        let values = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return values
    }

    private func list(_ at: Int) throws(TorchCheckpointError) -> PickleList {
        guard case .list(let list) = stack.last else { throw malformed(at, "APPEND target is a \(stack.last?.kind ?? "nothing"), not a list") }
        return list
    }

    private func dict(_ at: Int) throws(TorchCheckpointError) -> PickleDict {
        guard case .dict(let dict) = stack.last else { throw malformed(at, "SETITEM target is a \(stack.last?.kind ?? "nothing"), not a dict") }
        return dict
    }

    private mutating func remember(_ index: Int, _ at: Int) throws(TorchCheckpointError) {
        guard let top = stack.last else { throw malformed(at, "memoizing an empty stack") }
        guard index >= 0, index < Self.memoLimit else { throw malformed(at, "memo index \(index) is out of range") }
        memo[index] = top
    }

    private mutating func recall(_ index: Int, _ at: Int) throws(TorchCheckpointError) {
        guard let value = memo[index] else { throw malformed(at, "memo entry \(index) was never stored") }
        stack.append(value)
    }

    // MARK: reading bytes

    private mutating func byte() throws(TorchCheckpointError) -> UInt8 {
        guard position < bytes.count else { throw malformed(position, "the pickle ends without STOP") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws(TorchCheckpointError) -> [UInt8] {
        guard count >= 0, count <= bytes.count - position else { throw malformed(position, "a \(count)-byte value runs past the end") }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    private mutating func littleEndian(_ width: Int) throws(TorchCheckpointError) -> UInt64 {
        try take(width).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    private mutating func length(_ width: Int, _ at: Int) throws(TorchCheckpointError) -> Int {
        let value = try littleEndian(width)
        guard value <= UInt64(bytes.count) else { throw malformed(at, "length \(value) is larger than the file") }
        return Int(value)
    }

    private mutating func line(_ at: Int) throws(TorchCheckpointError) -> String {
        guard let end = bytes[position...].prefix(1024).firstIndex(of: 0x0A) else { throw malformed(at, "GLOBAL name without a newline") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private func utf8(_ raw: [UInt8], _ at: Int) throws(TorchCheckpointError) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else { throw malformed(at, "a string is not valid UTF-8") }
        return text
    }

    private func malformed(_ offset: Int, _ reason: String) -> TorchCheckpointError {
        .malformed(path: path, reason: "pickle byte \(offset): \(reason)")
    }

    /// Two's-complement little-endian, as LONG1/LONG4 store it.
    static func long(_ raw: [UInt8]) -> PickleValue {
        if raw.isEmpty { return .int(0) }
        guard raw.count <= 8 else { return .bigInt(raw) }
        let negative = raw.last! & 0x80 != 0
        let padded = raw + [UInt8](repeating: negative ? 0xFF : 0, count: 8 - raw.count)
        return .int(Int64(bitPattern: padded.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
    }

    static func opcodeName(_ opcode: UInt8) -> String {
        let names: [UInt8: String] = [0x69: "INST", 0x6F: "OBJ", 0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2",
                                      0x84: "EXT4", 0x50: "PERSID", 0x49: "INT", 0x4C: "LONG", 0x46: "FLOAT", 0x53: "STRING",
                                      0x56: "UNICODE", 0x64: "DICT", 0x6C: "LIST", 0x70: "PUT", 0x67: "GET", 0x8F: "EMPTY_SET",
                                      0x90: "ADDITEMS", 0x91: "FROZENSET", 0x96: "BYTEARRAY8", 0x97: "NEXT_BUFFER",
                                      0x98: "READONLY_BUFFER", 0x31: "POP_MARK", 0x32: "DUP"]
        let hex = "0x" + String(opcode, radix: 16, uppercase: true)
        return names[opcode].map { "\($0) (\(hex))" } ?? hex
    }
}
