import CDNNL

/// Checks a oneDNN status and turns a failure into a `TensorError` naming the call.
func dnnlCheck(_ status: dnnl_status_t, _ op: String, _ call: String) throws {
    guard status == dnnl_success else {
        throw TensorError.kernel(op: op, detail: "\(call) returned oneDNN status \(status.rawValue)")
    }
}

/// Row-major f32 memory descriptor with the given format tag (`dnnl_format_tag_any` lets a
/// primitive choose its blocked layout).
func dnnlDesc(_ dims: [Int], _ tag: dnnl_format_tag_t, op: String) throws -> dnnl_memory_desc_t {
    var desc = dnnl_memory_desc_t()
    let dims64 = dims.map(Int64.init)
    try dnnlCheck(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dims64, dnnl_f32, tag), op, "dnnl_memory_desc_init_by_tag")
    return desc
}

/// Primitive attributes asking for a caller-provided scratchpad. oneDNN's default, library-managed
/// scratchpad lives in thread-local storage of the thread that created the primitive; Swift tasks
/// hop threads, and running a primitive elsewhere then wrote through a freed pointer (a crash seen
/// in the tests). A user scratchpad, allocated per call, makes a primitive usable from any thread.
func dnnlUserScratchpadAttributes(op: String) throws -> dnnl_primitive_attr_t {
    var attr: dnnl_primitive_attr_t?
    try dnnlCheck(dnnl_primitive_attr_create(&attr), op, "dnnl_primitive_attr_create")
    try dnnlCheck(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), op, "dnnl_primitive_attr_set_scratchpad_mode")
    return attr!
}

/// A primitive descriptor and its primitive, destroyed together.
final class DNNLPrimitive {
    let descriptor: dnnl_primitive_desc_t
    let primitive: dnnl_primitive_t
    let implementation: String
    /// The scratchpad each execution must provide (user scratchpad mode), and its size. The
    /// descriptor lies in the primitive descriptor, which lives as long as this.
    let scratchpad: UnsafePointer<dnnl_memory_desc_t>
    let scratchpadBytes: Int

    /// Creates the primitive from an op descriptor. `postOps` run on the output in the same pass,
    /// in order.
    convenience init(op: String, opDesc: const_dnnl_op_desc_t, engine: dnnl_engine_t, hint: dnnl_primitive_desc_t?, postOps: [DNNLPostOp] = []) throws {
        var pd: dnnl_primitive_desc_t?
        let attr = try dnnlUserScratchpadAttributes(op: op)
        defer { dnnl_primitive_attr_destroy(attr) }
        if !postOps.isEmpty {
            var list: dnnl_post_ops_t?
            try dnnlCheck(dnnl_post_ops_create(&list), op, "dnnl_post_ops_create")
            defer { dnnl_post_ops_destroy(list) }
            for postOp in postOps {
                switch postOp {
                case .sum:
                    try dnnlCheck(dnnl_post_ops_append_sum(list, 1), op, "dnnl_post_ops_append_sum")
                case var .add(operand):
                    try dnnlCheck(dnnl_post_ops_append_binary(list, dnnl_binary_add, &operand), op, "dnnl_post_ops_append_binary")
                case let .eltwise(algorithm, alpha, beta):
                    try dnnlCheck(dnnl_post_ops_append_eltwise(list, 1, algorithm, alpha, beta), op, "dnnl_post_ops_append_eltwise")
                case let .depthwise(kernel, stride, padding):
                    try dnnlCheck(dnnl_post_ops_append_dw(list, dnnl_f32, dnnl_f32, dnnl_f32, Int64(kernel), Int64(stride), Int64(padding), 0, 0, nil),
                                  op, "dnnl_post_ops_append_dw")
                }
            }
            try dnnlCheck(dnnl_primitive_attr_set_post_ops(attr, list), op, "dnnl_primitive_attr_set_post_ops")
        }
        try dnnlCheck(dnnl_primitive_desc_create(&pd, opDesc, attr, engine, hint), op, "dnnl_primitive_desc_create")
        try self.init(owning: pd!, op: op, refuseReference: true)
    }

    /// Takes ownership of `pd`. Refuses oneDNN's reference implementations: they are correct but
    /// can be 100× slower (one layout mix ran a ResNet step in 17 s), and Aviary's own Swift
    /// reference is the better fallback because it is the one the tests pin down.
    init(owning pd: dnnl_primitive_desc_t, op: String, refuseReference: Bool) throws {
        var info: UnsafePointer<CChar>?
        _ = dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &info)
        let implementation = info.map { String(cString: $0) } ?? "unknown"
        if refuseReference && implementation.contains("ref") {
            dnnl_primitive_desc_destroy(pd)
            throw DNNLRefusal(op: op, implementation: implementation)
        }
        var primitive: dnnl_primitive_t?
        let status = dnnl_primitive_create(&primitive, pd)
        guard status == dnnl_success, let primitive else {
            dnnl_primitive_desc_destroy(pd)
            throw TensorError.kernel(op: op, detail: "dnnl_primitive_create returned \(status.rawValue)")
        }
        self.descriptor = pd
        self.primitive = primitive
        self.implementation = implementation
        scratchpad = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0)
        scratchpadBytes = dnnl_memory_desc_get_size(scratchpad)
    }

    /// The memory descriptor the primitive chose for one of its operands.
    func desc(_ query: dnnl_query_t, index: Int32 = 0) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(descriptor, query, index).pointee
    }

    deinit {
        dnnl_primitive_destroy(primitive)
        dnnl_primitive_desc_destroy(descriptor)
    }
}

/// Work a primitive does on its output before writing it: `sum` adds what the destination
/// already holds (a residual), `eltwise` applies an activation, `depthwise` runs a depthwise
/// convolution (square window, equal strides, `padding` top and left) over a 1×1 convolution's
/// output, whose weights and bias are bound as `DNNLArgument.depthwise(_:)` arguments.
enum DNNLPostOp {
    /// Adds what the destination holds before the call.
    case sum
    /// Adds a second tensor, read from its own memory (`DNNLArgument.postOpOperand`).
    case add(dnnl_memory_desc_t)
    case eltwise(dnnl_alg_kind_t, Float, Float)
    case depthwise(kernel: Int, stride: Int, padding: Int)
}

/// oneDNN offered only its reference implementation for a case; the caller falls back.
struct DNNLRefusal: Error, CustomStringConvertible {
    let op: String
    let implementation: String
    var description: String {
        "\(op): oneDNN offered only '\(implementation)', a reference implementation; using Aviary's Swift reference instead (slow). Report the shape so a supported layout can be added."
    }
}

/// One operand of a primitive: the plain layout callers hold and the layout the primitive wants,
/// with the reorder between them built once.
final class DNNLOperand {
    let argument: Int32
    /// The two descriptors, held by address so that binding one per call copies nothing
    /// (`DNNLExecution` passes them to oneDNN as they lie).
    let userDesc: UnsafeMutablePointer<dnnl_memory_desc_t>
    let kernelDesc: UnsafeMutablePointer<dnnl_memory_desc_t>
    var user: dnnl_memory_desc_t { userDesc.pointee }
    var kernel: dnnl_memory_desc_t { kernelDesc.pointee }
    let toKernel: DNNLPrimitive?
    let toUser: DNNLPrimitive?
    let sameLayout: Bool
    /// Sizes of the two layouts (padding included), asked of oneDNN once: a descriptor is 696
    /// bytes, and copying one out per call showed in batch-1 profiles.
    let userBytes: Int, kernelBytes: Int

    /// `inputOnly`: no reorder back to the user's layout (binding it as an output then throws).
    init(argument: Int32, user: dnnl_memory_desc_t, kernel: dnnl_memory_desc_t, engine: dnnl_engine_t, op: String, inputOnly: Bool = false) throws {
        self.argument = argument
        var u = user, k = kernel
        sameLayout = dnnl_memory_desc_equal(&u, &k) != 0
        userBytes = dnnl_memory_desc_get_size(&u)
        kernelBytes = dnnl_memory_desc_get_size(&k)
        if sameLayout {
            toKernel = nil; toUser = nil
        } else {
            toKernel = try DNNLOperand.reorder(from: u, to: k, engine: engine, op: op)
            toUser = inputOnly ? nil : try DNNLOperand.reorder(from: k, to: u, engine: engine, op: op)
        }
        userDesc = .allocate(capacity: 1)
        userDesc.initialize(to: user)
        kernelDesc = .allocate(capacity: 1)
        kernelDesc.initialize(to: kernel)
    }

    deinit {
        userDesc.deallocate()
        kernelDesc.deallocate()
    }

    /// Whether both take the same user data into the same kernel layout.
    func readsLike(_ other: DNNLOperand) -> Bool {
        dnnl_memory_desc_equal(userDesc, other.userDesc) != 0 && dnnl_memory_desc_equal(kernelDesc, other.kernelDesc) != 0
    }

    private static func reorder(from: dnnl_memory_desc_t, to: dnnl_memory_desc_t, engine: dnnl_engine_t, op: String) throws -> DNNLPrimitive {
        var pd: dnnl_primitive_desc_t?
        var f = from, t = to
        let attr = try dnnlUserScratchpadAttributes(op: op)
        defer { dnnl_primitive_attr_destroy(attr) }
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, &f, engine, &t, engine, attr), op, "dnnl_reorder_primitive_desc_create")
        return try DNNLPrimitive(owning: pd!, op: op + " reorder", refuseReference: false)
    }
}


extension dnnl_memory_desc_t {
    /// The logical dimensions.
    func dims() -> [Int] {
        withUnsafeBytes(of: self.dims) { raw in Array(raw.bindMemory(to: Int64.self).prefix(Int(ndims))).map(Int.init) }
    }
}
