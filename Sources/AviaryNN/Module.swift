@_exported import AviaryTensor

/// A running statistic or other non-trained state a module keeps (PyTorch's buffers).
public final class Buffer {
    public var value: Tensor
    public init(_ value: Tensor) { self.value = value }
}

/// A layer or model. Names follow PyTorch: a module's own parameters and buffers under local names
/// (`weight`, `running_mean`), children under theirs (`layer1`, `0`), joined with dots, so a
/// torch `state_dict()` maps one to one onto `namedParameters()` + `namedBuffers()`.
public protocol Module: AnyObject {
    /// This module's own parameters (not its children's), in declaration order.
    var localParameters: [(String, Variable)] { get }
    var localBuffers: [(String, Buffer)] { get }
    var children: [(String, any Module)] { get }
    var isTraining: Bool { get set }
    func forward(_ input: Variable) throws -> Variable
}

extension Module {
    public var localParameters: [(String, Variable)] { [] }
    public var localBuffers: [(String, Buffer)] { [] }
    public var children: [(String, any Module)] { [] }

    public func callAsFunction(_ input: Variable) throws -> Variable { try forward(input) }

    /// Every parameter, depth first, with dotted names.
    public func namedParameters() -> [(String, Variable)] {
        localParameters + children.flatMap { name, child in child.namedParameters().map { ("\(name).\($0)", $1) } }
    }

    public func namedBuffers() -> [(String, Buffer)] {
        localBuffers + children.flatMap { name, child in child.namedBuffers().map { ("\(name).\($0)", $1) } }
    }

    public func parameters() -> [Variable] { namedParameters().map(\.1) }

    /// Training mode for this module and every descendant (batch statistics, dropout on).
    public func train(_ on: Bool = true) {
        isTraining = on
        for (_, child) in children { child.train(on) }
    }

    public func eval() { train(false) }

    /// Stops (or restarts) gradients into every parameter: a frozen backbone costs no weight
    /// gradients, and leaving it out of the optimizer's groups keeps it fixed.
    public func freeze(_ frozen: Bool = true) {
        for parameter in parameters() { parameter.requiresGrad = !frozen }
    }

    /// Parameters and buffers as one archive, PyTorch state-dict order (each module's parameters,
    /// then its buffers, then its children).
    public func stateDict() -> TensorArchive {
        var entries: [(name: String, tensor: Tensor)] = localParameters.map { ($0, $1.value) } + localBuffers.map { ($0, $1.value) }
        for (name, child) in children {
            entries += child.stateDict().entries.map { ("\(name).\($0.name)", $0.tensor) }
        }
        return TensorArchive(entries: entries)
    }

    /// Loads values by name. `strict` requires every parameter and buffer to be present and no
    /// extra entries (`prefix` is stripped first, for checkpoints that hold more than a model).
    public func load(stateDict archive: TensorArchive, prefix: String = "", strict: Bool = true) throws {
        var byName: [String: Tensor] = [:]
        for (name, tensor) in archive.entries where name.hasPrefix(prefix) { byName[String(name.dropFirst(prefix.count))] = tensor }
        var used = 0
        for (name, parameter) in namedParameters() {
            guard let tensor = byName[name] else {
                if strict { throw ModuleError.missingState(name: name) }
                continue
            }
            guard tensor.shape == parameter.value.shape else {
                throw ModuleError.stateShapeMismatch(name: name, expected: parameter.value.shape, found: tensor.shape)
            }
            parameter.value = tensor
            used += 1
        }
        for (name, buffer) in namedBuffers() {
            guard let tensor = byName[name] else {
                if strict { throw ModuleError.missingState(name: name) }
                continue
            }
            guard tensor.count == buffer.value.count else {
                throw ModuleError.stateShapeMismatch(name: name, expected: buffer.value.shape, found: tensor.shape)
            }
            buffer.value = try tensor.reshaped(to: buffer.value.shape)
            used += 1
        }
        if strict && used != byName.count {
            let known = Set(namedParameters().map(\.0) + namedBuffers().map(\.0))
            throw ModuleError.unexpectedState(names: byName.keys.filter { !known.contains($0) }.sorted())
        }
    }
}

public enum ModuleError: Error, Equatable, CustomStringConvertible {
    case missingState(name: String)
    case stateShapeMismatch(name: String, expected: [Int], found: [Int])
    case unexpectedState(names: [String])
    case invalidConfiguration(module: String, detail: String)

    public var description: String {
        switch self {
        case let .missingState(name): return "state dict has no '\(name)'. Check the architecture and the number of classes match the weights, or load with strict: false."
        case let .stateShapeMismatch(name, expected, found): return "'\(name)' is \(found) in the state dict but \(expected) in the model. Build the model with the sizes the weights were trained with."
        case let .unexpectedState(names): return "state dict has entries the model lacks: \(names.prefix(5).joined(separator: ", ")). Load with strict: false to ignore them."
        case let .invalidConfiguration(module, detail): return "\(module): \(detail)"
        }
    }
}
