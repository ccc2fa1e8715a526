import CDNNL
import Foundation

/// Batch norm, activations and pooling on oneDNN, on the plain NCHW buffers callers hold (these
/// ops are memory-bound, so a reorder would cost as much as it saves). Each returns nil when
/// oneDNN cannot serve the case without its reference code, and the caller uses the Swift reference.
extension DNNLKernels {
    /// One operand of a plain-layout call.
    struct PlainOperand {
        var argument: Int32
        var desc: dnnl_memory_desc_t
        var output: Bool
    }

    /// Builds (once per key) and runs a primitive, under the lock. `make` may call `cached` for hints.
    func runPlain(
        _ key: String, make: (dnnl_engine_t) throws -> DNNLPrimitive,
        _ body: (DNNLPrimitive, inout DNNLExecution) throws -> Void
    ) throws -> Bool {
        guard let engine, let stream else { return false }
        return try exclusively {
            if refusedPlainKeys.contains(key) { return false }
            do {
                let primitive = try cached(key, engine: engine, make: make)
                var execution = DNNLExecution(engine: engine, stream: stream, op: key, pool: pool)
                try body(primitive, &execution)
                try execution.execute(primitive)
                return true
            } catch let refusal as DNNLRefusal {
                refusedPlainKeys.insert(key)
                note(refusal)
                return false
            }
        }
    }

    /// The cached primitive for `key`; call with the lock held.
    func cached(_ key: String, engine: dnnl_engine_t, make: (dnnl_engine_t) throws -> DNNLPrimitive) throws -> DNNLPrimitive {
        if let hit = plainPrimitives[key] { return hit }
        let made = try make(engine)
        plainPrimitives[key] = made
        return made
    }

    static func plainTag(rank: Int) -> dnnl_format_tag_t? {
        switch rank {
        case 1: return dnnl_a
        case 2: return dnnl_ab
        case 4: return dnnl_abcd
        default: return nil
        }
    }
}

extension DNNLExecution {
    /// Binds a plain buffer (no reorder) as input or output.
    mutating func plain(_ argument: Int32, _ desc: dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer, engine: dnnl_engine_t) throws {
        let operand = try DNNLOperand(argument: argument, user: desc, kernel: desc, engine: engine, op: op)
        try input(operand, pointer)
    }
}

/// Creates a primitive from any oneDNN op descriptor struct.
func dnnlPrimitive<Desc>(_ desc: inout Desc, op: String, engine: dnnl_engine_t, hint: dnnl_primitive_desc_t? = nil) throws -> DNNLPrimitive {
    try withUnsafePointer(to: &desc) { try DNNLPrimitive(op: op, opDesc: UnsafeRawPointer($0), engine: engine, hint: hint) }
}
