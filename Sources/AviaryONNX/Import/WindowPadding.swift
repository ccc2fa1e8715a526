/// ONNX's `pads`, `auto_pad` (NOTSET, VALID, SAME_UPPER, SAME_LOWER) and pooling's `ceil_mode`,
/// resolved to explicit begin/end pads for 2-D windows. Ceil mode becomes extra end padding
/// (never a window that starts past the input and its start padding, as ONNX and PyTorch define it).
enum WindowPadding {
    static func resolve(_ node: NodeAttributes, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> (begin: [Int], end: [Int]) {
        let extent = (0..<2).map { (kernel[$0] - 1) * dilations[$0] + 1 }
        var begin = [0, 0], end = [0, 0]
        let autoPad = try node.string("auto_pad") ?? "NOTSET"
        switch autoPad {
        case "NOTSET":
            if let pads = try node.ints("pads")?.map({ Int($0) }) {
                guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw node.unsupported("pads", "= \(pads)") }
                (begin, end) = ([pads[0], pads[1]], [pads[2], pads[3]])
            }
        case "VALID": break
        case "SAME_UPPER", "SAME_LOWER":
            for axis in 0..<2 {
                let out = (input[axis] + strides[axis] - 1) / strides[axis]
                let total = max((out - 1) * strides[axis] + extent[axis] - input[axis], 0)
                (begin[axis], end[axis]) = autoPad == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
        case let other: throw node.unsupported("auto_pad", "= \(other)")
        }
        if try node.int("ceil_mode") == 1 {
            guard autoPad == "NOTSET" || autoPad == "VALID" else { throw node.unsupported("ceil_mode", "= 1 with auto_pad \(autoPad)") }
            for axis in 0..<2 {
                let span = input[axis] + begin[axis] + end[axis] - extent[axis]
                guard span >= 0 else { continue }
                var out = (span + strides[axis] - 1) / strides[axis] + 1
                if (out - 1) * strides[axis] >= input[axis] + begin[axis] { out -= 1 }
                let extra = max((out - 1) * strides[axis] + extent[axis] - (input[axis] + begin[axis] + end[axis]), 0)
                if extra > 0, node.node.opType == "AveragePool", try node.int("count_include_pad") == 1 {
                    throw node.unsupported("ceil_mode", "= 1 with count_include_pad = 1 where the last window passes the padding")
                }
                end[axis] += extra
            }
        }
        return (begin, end)
    }
}
