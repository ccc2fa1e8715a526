extension Variable {
    public func activation(_ kind: Activation) -> Variable {
        let input = value, kernels = Engine.kernels
        // Activations accept any shape and cannot fail; a kernel error falls back to the reference.
        let out = (try? kernels.activationForward(kind, input: input)) ?? kind.forward(input)
        return Variable(out, parents: [self]) { gradOut in
            [(try? kernels.activationBackward(kind, gradOutput: gradOut, input: input)) ?? kind.backward(gradOutput: gradOut, input: input)]
        }
    }

    public func relu() -> Variable { activation(.relu) }
    public func relu6() -> Variable { activation(.relu6) }
    public func clip(min: Float, max: Float) -> Variable { activation(.clip(min: min, max: max)) }
    public func hardSwish() -> Variable { activation(.hardSwish) }
    public func hardSigmoid() -> Variable { activation(.hardSigmoid) }
    public func sigmoid() -> Variable { activation(.sigmoid) }
    public func silu() -> Variable { activation(.silu) }
}
