/// A strong reference to the storage of a `[Float]`, which can tell whether anyone else still
/// holds that storage.
///
/// Caches keyed by an array's storage (`DNNLPreparedWeights`) must hold the array: that is what
/// makes an in-place change copy on write and miss the cache instead of reading stale entries.
/// But holding it forever kept the weights of dropped models resident. When the cache's reference
/// is the only one left, nobody can look the entry up again, so it can go.
///
/// Swift's `Array` is one reference to a native storage object, so the storage is held as that
/// reference. Its class cannot be named outside the standard library, so the reference is typed
/// as a stand-in class and only ever retained, released, compared and checked for uniqueness,
/// which work on any native object. (Typed `AnyObject`, Swift 6's uniqueness check answers
/// false for every object on Linux.)
struct HeldArrayStorage {
    private final class StorageStandIn {}
    private var storage: StorageStandIn

    init(_ array: [Float]) {
        precondition(MemoryLayout<[Float]>.size == MemoryLayout<StorageStandIn>.size, "Array is expected to be one storage reference")
        storage = unsafeBitCast(array, to: StorageStandIn.self)
    }

    /// Whether `array` uses this storage (and so, while it is held here, has the same contents).
    func holds(_ array: [Float]) -> Bool {
        unsafeBitCast(array, to: StorageStandIn.self) === storage
    }

    /// Whether this is the last reference to the storage: nobody else can ever pass it in again.
    mutating func isOnlyReference() -> Bool {
        isKnownUniquelyReferenced(&storage)
    }
}
