import CDNNL

/// One primitive call: the operands in user memory, reordered in and out of the kernel's layout.
struct DNNLExecution {
    let engine: dnnl_engine_t
    let stream: dnnl_stream_t
    let op: String
    let pool: DNNLBufferPool
    private var memories: [dnnl_memory_t?] = []
    private var buffers: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    private var arguments: [dnnl_exec_arg_t] = []
    private var outputs: [(kernel: dnnl_memory_t?, user: dnnl_memory_t?, reorder: DNNLPrimitive)] = []
    /// Inputs passed by value stay referenced here until `execute` returns, so their storage lives.
    private var retained: [[Float]] = []
    /// Set while an eval pass is recorded for `InferenceReplay`: it keeps what this call would
    /// hand back (memory objects, buffers, arrays) and records each primitive call.
    var recorder = DNNLReplayRecorder.current.flatMap { $0.isRecording ? $0 : nil }

    init(engine: dnnl_engine_t, stream: dnnl_stream_t, op: String, pool: DNNLBufferPool) {
        self.engine = engine; self.stream = stream; self.op = op; self.pool = pool
        // A call binds up to eight memories and arguments: one allocation each, not four.
        memories.reserveCapacity(8); arguments.reserveCapacity(8); retained.reserveCapacity(4)
    }

    /// `desc` by address: a descriptor is 696 bytes, and copying each one in and out per call
    /// showed in batch-1 profiles.
    private mutating func memory(_ desc: UnsafePointer<dnnl_memory_desc_t>, _ pointer: UnsafeMutableRawPointer) throws -> dnnl_memory_t? {
        var memory: dnnl_memory_t?
        try dnnlCheck(dnnl_memory_create(&memory, desc, engine, pointer), op, "dnnl_memory_create")
        memories.append(memory)
        return memory
    }

    private mutating func scratch(_ operand: DNNLOperand) -> UnsafeMutableRawPointer {
        scratch(bytes: operand.kernelBytes)
    }

    /// A pooled buffer that lives until `execute` returns (the recording's own while recording).
    mutating func scratch(bytes: Int) -> UnsafeMutableRawPointer {
        if let recorder { return recorder.allocate(bytes: bytes) }
        let buffer = pool.take(bytes: bytes)
        buffers.append((buffer, bytes))
        return buffer
    }

    /// The address of an input array that oneDNN only reads: no copy-on-write copy, and the array
    /// is retained until `execute` returns. Arrays passed here must not be mutated meanwhile.
    mutating func readOnly(_ array: [Float]) -> UnsafeMutableRawPointer {
        retained.append(array)
        recorder?.retain(array)
        return array.withUnsafeBytes { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
    }

    /// Binds an input: reordered into a scratch buffer when the layouts differ.
    mutating func input(_ operand: DNNLOperand, _ pointer: UnsafeMutableRawPointer) throws {
        let user = try memory(operand.userDesc, pointer)
        guard let reorder = operand.toKernel else {
            arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: user)); return
        }
        let kernel = try memory(operand.kernelDesc, scratch(operand))
        try reorderNow(reorder, from: user, to: kernel)
        arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: kernel))
    }

    /// Binds an input like `input`, but reorders it into a new array that outlives the call and
    /// comes back (nil when the kernel reads the caller's layout as it is): a later pass that reads
    /// the same values in the same layout binds that array with `prepared` instead of reordering again.
    mutating func inputKeepingKernelLayout(_ operand: DNNLOperand, _ values: [Float]) throws -> [Float]? {
        guard operand.toKernel != nil else {
            try input(operand, readOnly(values))
            return nil
        }
        var kept = uninitializedScalars(operand.kernelBytes / MemoryLayout<Float>.stride)
        try kept.withUnsafeMutableBytes { try reorder(operand, from: readOnly(values), into: $0.baseAddress!) }
        try prepared(operand, readOnly(kept))
        return kept
    }

    /// Binds an input that a previous pass may have kept in `operand`'s kernel layout
    /// (`inputKeepingKernelLayout` with `keptBy`): as it is when the layouts match, else reordered.
    mutating func input(_ operand: DNNLOperand, _ values: [Float], kept: [Float]?, keptBy keeper: DNNLOperand) throws {
        if let kept, operand.readsLike(keeper) {
            try prepared(operand, readOnly(kept))
        } else {
            try input(operand, readOnly(values))
        }
    }

    /// Binds memory described by `desc` to `argument` as it is (a post-op's operand).
    mutating func bind(_ argument: Int32, _ desc: UnsafePointer<dnnl_memory_desc_t>, _ pointer: UnsafeMutableRawPointer) throws {
        arguments.append(dnnl_exec_arg_t(arg: argument, memory: try memory(desc, pointer)))
    }

    /// Binds memory that is already in the kernel's layout.
    mutating func prepared(_ operand: DNNLOperand, _ pointer: UnsafeMutableRawPointer) throws {
        arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: try memory(operand.kernelDesc, pointer)))
    }

    /// Reorders user data into the kernel's layout at `destination`, now (before `execute`).
    mutating func reorder(_ operand: DNNLOperand, from source: UnsafeMutableRawPointer, into destination: UnsafeMutableRawPointer) throws {
        guard let reorder = operand.toKernel else { return }
        try reorderNow(reorder, from: memory(operand.userDesc, source), to: memory(operand.kernelDesc, destination))
    }

    /// Copies data laid out as `desc` says from `source` to `destination` now, with a oneDNN
    /// reorder between equal layouts: a call a recording keeps, where the engine's threads would
    /// otherwise copy in Swift (`copiedOnEngineThreads`).
    mutating func copy(_ desc: UnsafePointer<dnnl_memory_desc_t>, from source: UnsafeMutableRawPointer, into destination: UnsafeMutableRawPointer) throws {
        var pd: dnnl_primitive_desc_t?
        let attr = try dnnlUserScratchpadAttributes(op: op)
        defer { dnnl_primitive_attr_destroy(attr) }
        try dnnlCheck(dnnl_reorder_primitive_desc_create(&pd, desc, engine, desc, engine, attr), op, "dnnl_reorder_primitive_desc_create")
        let copy = try DNNLPrimitive(owning: pd!, op: op + " copy", refuseReference: false)
        try reorderNow(copy, from: memory(desc, source), to: memory(desc, destination))
    }

    /// Binds an output: written to a scratch buffer and reordered back after `execute`.
    /// `accumulating`: the primitive adds into what the output holds (a `sum` post-op), so that
    /// is reordered into the scratch buffer first.
    mutating func output(_ operand: DNNLOperand, _ pointer: UnsafeMutableRawPointer, accumulating: Bool = false) throws {
        let user = try memory(operand.userDesc, pointer)
        if operand.sameLayout {
            arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: user)); return
        }
        guard let reorder = operand.toUser, let toKernel = operand.toKernel else {
            throw TensorError.kernel(op: op, detail: "output operand has no reorder back to the caller's layout")
        }
        let kernel = try memory(operand.kernelDesc, scratch(operand))
        if accumulating { try reorderNow(toKernel, from: user, to: kernel) }
        outputs.append((kernel, user, reorder))
        arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: kernel))
    }

    private mutating func reorderNow(_ reorder: DNNLPrimitive, from: dnnl_memory_t?, to: dnnl_memory_t?) throws {
        var args = [dnnl_exec_arg_t(arg: DNNLArgument.from, memory: from), dnnl_exec_arg_t(arg: DNNLArgument.to, memory: to)]
        if let scratchpad = try scratchpadArgument(reorder) { args.append(scratchpad) }
        let stream = stream
        try dnnlCheck(DNNLCallClock.timing { dnnl_primitive_execute(reorder.primitive, stream, Int32(args.count), args) }, op, "reorder")
        recorder?.record(reorder, args)
    }

    /// The scratchpad the primitive needs, if any, as its argument.
    private mutating func scratchpadArgument(_ primitive: DNNLPrimitive) throws -> dnnl_exec_arg_t? {
        let bytes = primitive.scratchpadBytes
        guard bytes > 0 else { return nil }
        // One primitive runs at a time, and each is done before the next binds: one shared buffer
        // (which may grow and move, so a recording takes its own).
        let buffer = recorder?.allocate(bytes: bytes) ?? pool.scratchpad(bytes: bytes)
        return dnnl_exec_arg_t(arg: DNNLArgument.scratchpad, memory: try memory(primitive.scratchpad, buffer))
    }

    /// Runs the primitive, then the output reorders, and waits.
    mutating func execute(_ primitive: DNNLPrimitive) throws {
        defer { release() }
        if let scratchpad = try scratchpadArgument(primitive) { arguments.append(scratchpad) }
        let (stream, arguments) = (stream, arguments)
        try dnnlCheck(DNNLCallClock.timing { dnnl_primitive_execute(primitive.primitive, stream, Int32(arguments.count), arguments) }, op, "dnnl_primitive_execute")
        recorder?.record(primitive, arguments)
        for out in outputs { try reorderNow(out.reorder, from: out.kernel, to: out.user) }
        try dnnlCheck(dnnl_stream_wait(stream), op, "dnnl_stream_wait")
    }

    private mutating func release() {
        if let recorder { recorder.adopt(memories) } else { for memory in memories { dnnl_memory_destroy(memory) } }
        for (buffer, bytes) in buffers { pool.give(buffer, bytes: bytes) }
        memories = []; buffers = []; retained = []; arguments = []; outputs = []
    }
}

/// oneDNN's argument numbers (its macros alias each other, which Swift does not import).
enum DNNLArgument {
    static let src: Int32 = 1, from: Int32 = 1
    static let dst: Int32 = 17, to: Int32 = 17
    static let weights: Int32 = 33
    static let bias: Int32 = 41
    static let mean: Int32 = 49, variance: Int32 = 50
    static let scale: Int32 = 51, shift: Int32 = 52
    static let diffScale: Int32 = 255, diffShift: Int32 = 256
    static let workspace: Int32 = 64
    static let scratchpad: Int32 = 80
    static let diffSrc: Int32 = 129
    static let diffDst: Int32 = 145
    static let diffWeights: Int32 = 161
    static let diffBias: Int32 = 169

    /// An argument of the depthwise post-op (`DNNL_ARG_ATTR_POST_OP_DW | argument`).
    static func depthwise(_ argument: Int32) -> Int32 { 8192 | argument }
    /// The second operand of the binary post-op at `index` (`DNNL_ARG_ATTR_MULTIPLE_POST_OP(index) | DNNL_ARG_SRC_1`).
    static func postOpOperand(_ index: Int) -> Int32 { 16384 * Int32(index + 1) | 2 }
}

/// An output array whose every element the kernel writes: skips the zero fill.
func uninitializedScalars(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// A copy of `scalars` made by the engine's threads together (a memory-bound pass that would
/// otherwise run on one core while the others wait).
func copiedOnEngineThreads(_ scalars: [Float]) -> [Float] {
    var out = uninitializedScalars(scalars.count)
    guard !scalars.isEmpty else { return out }
    scalars.withUnsafeBufferPointer { source in out.withUnsafeMutableBufferPointer { copy in
        nonisolated(unsafe) let from = source.baseAddress!, to = copy.baseAddress!
        ParallelRanges.forEach(source.count, grain: 1 << 16) { range in
            (to + range.lowerBound).update(from: from + range.lowerBound, count: range.count)
        }
    } }
    return out
}
