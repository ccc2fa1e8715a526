extension Variable {
    public func activation(_ kind: Activation) -> Variable {
        let input = value
        return Variable(kind.forward(input), parents: [self]) { gradOut in
            [kind.backward(gradOutput: gradOut, input: input)]
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
