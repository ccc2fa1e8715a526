import CDNNL
import Foundation

/// What one eval pass did, kept so that `InferenceReplay` can run it again without the Swift
/// around each oneDNN call: every primitive call with its memory objects, in order, and the Swift
/// steps between them as closures over the same storage.
///
/// While a recorder is current (`$current.withValue`), `DNNLExecution` keeps what a call would
/// otherwise hand back: its memory objects stay alive, its scratch buffers and scratchpads come
/// from here instead of the shared pool (which may free or reuse them), prepared weights are
/// copied out of their cache (which may evict them), and every array an op reads or writes is
/// retained, so that each address a step was recorded with stays valid for the replay's life.
/// `isComplete` checks that claim, and that no result came from work the recorder did not see,
/// before a replay is made; `packActivations` then gives the activations shared buffers.
///
/// Used by one task at a time, inside the kernels' lock or between calls.
final class DNNLReplayRecorder: @unchecked Sendable {
    @TaskLocal static var current: DNNLReplayRecorder?

    enum Step {
        case primitive(DNNLPrimitive, [dnnl_exec_arg_t])
        case swift(() -> Void)
    }

    private(set) var steps: [Step] = []
    /// Why the pass cannot be replayed, when a step could not be kept.
    private(set) var refusal: String?
    private var arrays: [[Float]] = []
    /// Byte arrays a call wrote that no variable holds (max pooling's workspace).
    private var byteArrays: [[UInt8]] = []
    private var buffers: [(pointer: UnsafeMutableRawPointer, bytes: Int)] = []
    private var memories: [dnnl_memory_t?] = []
    /// Storage kept so far, counted once per storage, and the most a recording may keep.
    private var keptStorage = Set<UInt>()
    private(set) var keptBytes = 0
    let maximumBytes: Int
    /// Storage that must stay where it is: what Swift steps read and write, the input, the output.
    private var pinned: Set<UInt> = []
    /// The values of variables made during the pass, and the storage Swift steps write: each
    /// result must be written by some step, or the replay would hand back a stale one.
    private var results: [(base: UInt, bytes: Int)] = []
    private var writtenBySwift: Set<UInt> = []

    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// Whether calls still record: after a refusal the rest of the pass runs as usual.
    var isRecording: Bool { refusal == nil }

    /// Keeps `array`'s storage alive as long as the recording.
    func retain(_ array: [Float]) {
        guard isRecording, !array.isEmpty else { return }
        arrays.append(array)
        array.withUnsafeBytes { keep(UInt(bitPattern: $0.baseAddress), $0.count) }
    }

    /// `retain` for the value of a variable made during the pass.
    func retainResult(_ array: [Float]) {
        guard isRecording, !array.isEmpty else { return }
        retain(array)
        array.withUnsafeBytes { results.append((UInt(bitPattern: $0.baseAddress), $0.count)) }
    }

    /// Marks storage the replay writes itself (its input).
    func markWritten(_ pointer: UnsafeMutablePointer<Float>) { writtenBySwift.insert(UInt(bitPattern: pointer)) }

    func retain(_ array: [UInt8]) {
        guard isRecording, !array.isEmpty else { return }
        byteArrays.append(array)
        array.withUnsafeBytes { keep(UInt(bitPattern: $0.baseAddress), $0.count) }
    }

    /// Counts storage against `maximumBytes`; past it the recording is refused and lets go of
    /// what it kept, so that a large batch costs no more memory than a normal pass.
    private func keep(_ base: UInt, _ bytes: Int) {
        guard keptStorage.insert(base).inserted else { return }
        keptBytes += bytes
        guard keptBytes > maximumBytes else { return }
        refuse("keeps more than \(maximumBytes >> 20) MB")
        arrays = []; byteArrays = []
    }

    /// Keeps `array`'s storage alive and gives its address, which a replayed step writes through
    /// (as `DNNLExecution.readOnly` hands oneDNN an address to write: the storage is the recording's).
    func address(of array: [Float]) -> UnsafeMutablePointer<Float> {
        retain(array)
        return array.withUnsafeBufferPointer { UnsafeMutablePointer(mutating: $0.baseAddress!) }
    }

    /// A buffer owned by the recording.
    func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64)
        buffers.append((buffer, max(bytes, 64)))
        keep(UInt(bitPattern: buffer), max(bytes, 64))
        return buffer
    }

    /// A copy of `bytes` at `source` in a buffer owned by the recording.
    func copy(_ source: UnsafeRawPointer, bytes: Int) -> UnsafeMutableRawPointer {
        let buffer = allocate(bytes: bytes)
        buffer.copyMemory(from: source, byteCount: bytes)
        return buffer
    }

    func adopt(_ memories: [dnnl_memory_t?]) { self.memories += memories }

    func record(_ primitive: DNNLPrimitive, _ arguments: [dnnl_exec_arg_t]) {
        if isRecording { steps.append(.primitive(primitive, arguments)) }
    }

    func record(_ step: @escaping () -> Void) {
        if isRecording { steps.append(.swift(step)) }
    }

    /// Records a Swift op: at replay `compute` runs again, on inputs it captured (whose storage
    /// the steps before it fill again), and its result is written over `result`'s storage, where
    /// the steps after it read.
    /// `reading`: the arrays `compute` captured, which stay where they are (`packActivations`).
    func record(recomputing result: Tensor, reading: [[Float]], _ compute: @escaping () -> Tensor) {
        let count = result.scalars.count
        guard isRecording, count > 0 else { return }
        for array in reading { pin(array) }
        let destination = pin(result.scalars)
        markWritten(destination)
        record {
            let fresh = compute()
            precondition(fresh.scalars.count == count, "a replayed step changed its result's size")
            fresh.scalars.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: count) }
        }
    }

    func refuse(_ why: String) { refusal = refusal ?? why }

    /// The arguments through which a call writes.
    private static let writtenArguments: Set<Int32> = [DNNLArgument.dst, DNNLArgument.scratchpad, DNNLArgument.workspace]

    /// Where a memory object's data lies.
    private static func address(of memory: dnnl_memory_t?) throws -> UInt {
        var handle: UnsafeMutableRawPointer?
        try dnnlCheck(dnnl_memory_get_data_handle(memory, &handle), "InferenceReplay", "dnnl_memory_get_data_handle")
        return UInt(bitPattern: handle)
    }

    /// `address(of:)`, and keeps the storage where it is when activations are packed.
    @discardableResult
    func pin(_ array: [Float]) -> UnsafeMutablePointer<Float> {
        let pointer = address(of: array)
        pinned.insert(UInt(bitPattern: pointer))
        return pointer
    }

    /// Moves the activations the recorded calls write (outputs, scratch buffers, scratchpads) into
    /// a few buffers shared by storage whose steps do not overlap, the way a graph runtime plans
    /// its arena. Left where the pass put them, every activation of a replay had storage of its
    /// own, which the caches saw once per pass: the calls ran 3 % slower than in a normal pass,
    /// whose allocator hands each output storage just freed. Call after `isComplete`.
    func packActivations() throws {
        struct Region { var base: UInt, bytes: Int, first = Int.max, last = -1, written = false }
        var regions = keptStorageRanges().map { Region(base: $0.base, bytes: $0.bytes) }.sorted { $0.base < $1.base }
        func region(_ address: UInt) -> Int? {
            var low = 0, high = regions.count - 1, found: Int?
            while low <= high {
                let mid = (low + high) / 2
                if regions[mid].base <= address { found = mid; low = mid + 1 } else { high = mid - 1 }
            }
            guard let found, address < regions[found].base + UInt(regions[found].bytes) else { return nil }
            return found
        }
        // Which region each bound memory lies in, when each region is first and last used, and
        // which regions a call writes (destinations, scratchpads, workspaces).
        var bindings: [(memory: dnnl_memory_t?, region: Int, offset: UInt)] = []
        for (index, step) in steps.enumerated() {
            guard case .primitive(_, let arguments) = step else { continue }
            for argument in arguments {
                let address = try Self.address(of: argument.memory)
                guard let r = region(address) else { continue }
                regions[r].first = min(regions[r].first, index)
                regions[r].last = max(regions[r].last, index)
                if Self.writtenArguments.contains(argument.arg) { regions[r].written = true }
                bindings.append((argument.memory, r, address - regions[r].base))
            }
        }
        // Best fit among the shared buffers free before a region's first step, else a new one.
        var shared: [(pointer: UnsafeMutableRawPointer, bytes: Int, busyUntil: Int)] = []
        var placed: [Int: UnsafeMutableRawPointer] = [:]
        let movable = regions.indices.filter { regions[$0].written && !pinned.contains(regions[$0].base) }
        for r in movable.sorted(by: { regions[$0].first < regions[$1].first }) {
            let candidates = shared.indices.filter { shared[$0].busyUntil < regions[r].first && shared[$0].bytes >= regions[r].bytes }
            let slot = candidates.min { shared[$0].bytes < shared[$1].bytes } ?? {
                shared.append((allocate(bytes: regions[r].bytes), regions[r].bytes, -1))
                return shared.count - 1
            }()
            shared[slot].busyUntil = regions[r].last
            placed[r] = shared[slot].pointer
        }
        for binding in bindings {
            guard let pointer = placed[binding.region] else { continue }
            try dnnlCheck(dnnl_memory_set_data_handle(binding.memory, pointer + Int(binding.offset)), "InferenceReplay", "dnnl_memory_set_data_handle")
        }
        // The arrays moved out of are no longer needed.
        let moved = Set(placed.keys.map { regions[$0].base })
        arrays.removeAll { array in array.withUnsafeBytes { moved.contains(UInt(bitPattern: $0.baseAddress)) } }
        byteArrays.removeAll { array in array.withUnsafeBytes { moved.contains(UInt(bitPattern: $0.baseAddress)) } }
    }

    /// Whether the recording can be replayed: every memory a recorded call binds lies inside
    /// storage it keeps, and every variable the pass made holds what some step writes (a result
    /// made by work the recorder did not see, such as the caller's own loop, would come back stale).
    func isComplete() throws -> Bool {
        guard try keepsEveryAddress() else { return false }
        var written = writtenBySwift
        for case let .primitive(_, arguments) in steps {
            for argument in arguments where Self.writtenArguments.contains(argument.arg) { written.insert(try Self.address(of: argument.memory)) }
        }
        return results.allSatisfy { result in written.contains { $0 >= result.base && $0 < result.base + UInt(result.bytes) } }
    }

    /// Whether every memory a recorded call binds lies inside storage this recording keeps.
    private func keepsEveryAddress() throws -> Bool {
        let ranges = keptStorageRanges()
        for case let .primitive(_, arguments) in steps {
            for argument in arguments {
                var desc: UnsafePointer<dnnl_memory_desc_t>?
                guard dnnl_memory_get_memory_desc(argument.memory, &desc) == dnnl_success, let desc else { return false }
                let start = try Self.address(of: argument.memory), bytes = dnnl_memory_desc_get_size(desc)
                guard bytes == 0 || ranges.contains(where: { start >= $0.base && start + UInt(bytes) <= $0.base + UInt($0.bytes) }) else { return false }
            }
        }
        return true
    }

    /// Each distinct storage the recording keeps: retained arrays and its own buffers.
    private func keptStorageRanges() -> [(base: UInt, bytes: Int)] {
        var seen = Set<UInt>(), ranges: [(base: UInt, bytes: Int)] = []
        func add(_ raw: UnsafeRawBufferPointer) {
            let base = UInt(bitPattern: raw.baseAddress)
            if seen.insert(base).inserted { ranges.append((base, raw.count)) }
        }
        for array in arrays { array.withUnsafeBytes(add) }
        for array in byteArrays { array.withUnsafeBytes(add) }
        for buffer in buffers { add(UnsafeRawBufferPointer(start: buffer.pointer, count: buffer.bytes)) }
        return ranges
    }

    deinit {
        for memory in memories { dnnl_memory_destroy(memory) }
        for buffer in buffers { buffer.pointer.deallocate() }
    }
}
