import AviaryJSON
import Foundation

/// A validated pipeline: typed parameters, steps with their settings as written (references still
/// unresolved), and every dependency made explicit. `PipelineValidator` makes one from a file;
/// `aviary pipeline definition --json` prints it, and a run stores it so that a resume runs exactly
/// what was started even if the file changed since.
public struct PipelineDefinition: Codable, Sendable, Hashable {
    public var name: String
    public var description: String?
    public var parameters: [PipelineParameter]
    /// The pipeline-wide cache policy; a step's own `cache` overrides it.
    public var cache: CachePolicy
    /// How many steps may run at once.
    public var maxParallel: Int
    /// In the order of the file.
    public var steps: [PipelineStep]

    public func step(_ name: String) -> PipelineStep? { steps.first { $0.name == name } }
    public func parameter(_ name: String) -> PipelineParameter? { parameters.first { $0.name == name } }
}

public struct PipelineParameter: Codable, Sendable, Hashable {
    public var name: String
    public var type: PipelineParameterType
    /// Nil when the parameter is required: a run must pass `--param NAME=…`.
    public var `default`: JSONValue?
    public var description: String?
}

public enum PipelineParameterType: String, Codable, Sendable, Hashable, CaseIterable {
    case string, int, float, bool

    /// Whether `value` is of this type; an integer is also a float.
    public func accepts(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.string, .string), (.int, .int), (.float, .int), (.float, .double), (.bool, .bool): true
        default: false
        }
    }

    /// Parses a `--param NAME=TEXT` value.
    public func parse(_ text: String) -> JSONValue? {
        switch self {
        case .string: .string(text)
        case .int: Int(text).map(JSONValue.int)
        case .float: Double(text).flatMap { $0.isFinite ? JSONValue.double($0) : nil }
        case .bool: ["true": JSONValue.bool(true), "false": .bool(false)][text.lowercased()]
        }
    }

    /// "a string", "an int"…, for messages.
    public var phrase: String { self == .int ? "an int" : "a \(rawValue)" }
}

public enum PipelineStepKind: String, Codable, Sendable, Hashable, CaseIterable {
    case split, train, evaluate, condition, register, fail, transform, script
}

public struct PipelineStep: Codable, Sendable, Hashable {
    public var name: String
    public var kind: PipelineStepKind
    public var description: String?
    /// Every step this one waits for: those in `depends_on`, those its settings refer to, and the
    /// condition whose branch lists it. Sorted.
    public var dependsOn: [String]
    /// The kind's own settings, as written (strings may hold `${…}` references).
    public var settings: [String: JSONValue]
    /// Seconds; nil for no limit.
    public var timeout: Double?
    public var retry: [PipelineRetryRule]
    /// Nil: the pipeline's policy applies.
    public var cache: CachePolicy?
}

/// When a failed attempt is tried again, modelled on Amazon States Language `Retry`: for the listed
/// error classes, up to `maxAttempts` more attempts, waiting `interval` seconds, then `interval ×
/// backoffRate`, and so on.
public struct PipelineRetryRule: Codable, Sendable, Hashable {
    public var errors: [StepErrorClass]
    public var maxAttempts: Int
    public var interval: Double
    public var backoffRate: Double

    public init(errors: [StepErrorClass], maxAttempts: Int, interval: Double, backoffRate: Double) {
        self.errors = errors
        self.maxAttempts = maxAttempts
        self.interval = interval
        self.backoffRate = backoffRate
    }

    /// How long to wait before retry number `retry` (1-based).
    public func delay(beforeRetry retry: Int) -> Double {
        interval * pow(backoffRate, Double(retry - 1))
    }

    /// Whether this rule retries `errorClass`. A `fail` step and an unsupported kind would only fail
    /// again, so no rule retries them.
    public func matches(_ errorClass: StepErrorClass) -> Bool {
        guard errorClass != .failed, errorClass != .unsupported else { return false }
        return errors.contains(errorClass) || (errors.contains(.all) && errorClass.isRetriableByAll)
    }
}

/// Whether a step's result may be taken from an earlier run with the same cache key, and for how long.
public struct CachePolicy: Codable, Sendable, Hashable {
    public var enabled: Bool
    /// Seconds after which an entry is no longer used; nil for never.
    public var expireAfter: Double?

    public init(enabled: Bool = true, expireAfter: Double? = nil) {
        self.enabled = enabled
        self.expireAfter = expireAfter
    }
}
