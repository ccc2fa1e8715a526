@testable import AviaryTensor
import Testing

/// `HeldArrayStorage` is what lets kernel caches drop entries nobody can hit any more.
@Suite struct HeldArrayStorageTests {
    @Test func knowsWhenItIsTheLastHolder() {
        var array: [Float]? = [Float](repeating: 1, count: 64)
        var held = HeldArrayStorage(array!)
        #expect(held.holds(array!))
        #expect(!held.holds([Float](repeating: 1, count: 64)))  // equal contents, other storage
        let whileHeld = held.isOnlyReference()
        #expect(!whileHeld)
        array = nil
        let afterwards = held.isOnlyReference()
        #expect(afterwards)
    }

    @Test func aCopyOnWriteCopyIsOtherStorage() {
        var array = [Float](repeating: 1, count: 64)
        var held = HeldArrayStorage(array)
        array[0] = 2  // the held reference forces a copy
        #expect(!held.holds(array))
        let only = held.isOnlyReference()
        #expect(only)
    }

    @Test func preparedWeightsReleaseWhatNobodyHolds() throws {
        let kernels = DNNLKernels()
        var rng = PCG32(seed: 3)
        let x = Tensor.normal([1, 16, 8, 8], using: &rng)
        var weight: Tensor? = Tensor.normal([32, 16, 3, 3], using: &rng)
        let geometry = try Conv2DOptions(padding: 1).resolve(op: "test", inputH: 8, inputW: 8, kernelH: 3, kernelW: 3)
        _ = try kernels.conv2dChannelsLast(input: x, inputChannelsLast: false, weight: weight!, bias: nil, geometry: geometry, activation: nil, residual: nil)
        let held = kernels.cachedWeightCount
        #expect(held == 1)
        #expect(kernels.releaseUnusedCaches() == 0)  // the caller still holds the weights
        weight = nil
        #expect(kernels.releaseUnusedCaches() == held)
        #expect(kernels.cachedWeightCount == 0)
    }
}
