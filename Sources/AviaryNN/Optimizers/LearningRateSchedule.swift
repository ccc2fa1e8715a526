import Foundation

/// A learning rate as a function of the step (0-based). Set `optimizer.learningRate` from it
/// before each step.
public protocol LearningRateSchedule: Sendable {
    func learningRate(at step: Int) -> Float
}

/// Multiplies by `gamma` every `stepSize` steps (`StepLR`).
public struct StepSchedule: LearningRateSchedule {
    public var base: Float, stepSize: Int, gamma: Float
    public init(base: Float, stepSize: Int, gamma: Float = 0.1) { self.base = base; self.stepSize = max(stepSize, 1); self.gamma = gamma }
    public func learningRate(at step: Int) -> Float { base * pow(gamma, Float(step / stepSize)) }
}

/// Half a cosine from `base` down to `minimum` over `totalSteps` (`CosineAnnealingLR`), then flat.
public struct CosineSchedule: LearningRateSchedule {
    public var base: Float, totalSteps: Int, minimum: Float
    public init(base: Float, totalSteps: Int, minimum: Float = 0) { self.base = base; self.totalSteps = max(totalSteps, 1); self.minimum = minimum }
    public func learningRate(at step: Int) -> Float {
        let t = Float(min(step, totalSteps)) / Float(totalSteps)
        return minimum + (base - minimum) * (1 + cos(Float.pi * t)) / 2
    }
}

/// Linear warm-up from `startFactor`·(the wrapped schedule's rate) to the full rate over
/// `warmupSteps`, then the wrapped schedule, shifted so it starts where warm-up ends.
public struct WarmupSchedule<Inner: LearningRateSchedule>: LearningRateSchedule {
    public var inner: Inner, warmupSteps: Int, startFactor: Float
    public init(_ inner: Inner, warmupSteps: Int, startFactor: Float = 0.01) { self.inner = inner; self.warmupSteps = warmupSteps; self.startFactor = startFactor }
    public func learningRate(at step: Int) -> Float {
        guard step < warmupSteps else { return inner.learningRate(at: step - warmupSteps) }
        let fraction = Float(step) / Float(warmupSteps)
        return inner.learningRate(at: 0) * (startFactor + (1 - startFactor) * fraction)
    }
}
