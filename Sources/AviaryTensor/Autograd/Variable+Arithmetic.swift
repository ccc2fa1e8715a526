extension Variable {
    /// Elementwise sum with NumPy broadcasting.
    public static func + (lhs: Variable, rhs: Variable) throws -> Variable {
        let out = try Broadcasting.apply(lhs.value, rhs.value, op: "add", +)
        let a = lhs.shape, b = rhs.shape
        return Variable(out, parents: [lhs, rhs]) { g in [Broadcasting.reduce(g, to: a), Broadcasting.reduce(g, to: b)] }
    }

    /// Elementwise difference with NumPy broadcasting.
    public static func - (lhs: Variable, rhs: Variable) throws -> Variable {
        let out = try Broadcasting.apply(lhs.value, rhs.value, op: "sub", -)
        let a = lhs.shape, b = rhs.shape
        return Variable(out, parents: [lhs, rhs]) { g in
            [Broadcasting.reduce(g, to: a), Broadcasting.reduce(Tensor(uncheckedShape: g.shape, scalars: g.scalars.map { -$0 }), to: b)]
        }
    }

    /// Elementwise product with NumPy broadcasting.
    public static func * (lhs: Variable, rhs: Variable) throws -> Variable {
        let out = try Broadcasting.apply(lhs.value, rhs.value, op: "mul", *)
        let x = lhs.value, y = rhs.value
        return Variable(out, parents: [lhs, rhs]) { g in
            [Broadcasting.reduce(try Broadcasting.apply(g, y, op: "mul backward", *), to: x.shape),
             Broadcasting.reduce(try Broadcasting.apply(g, x, op: "mul backward", *), to: y.shape)]
        }
    }

    /// Elementwise quotient with NumPy broadcasting (IEEE rules for a zero divisor).
    public static func / (lhs: Variable, rhs: Variable) throws -> Variable {
        let out = try Broadcasting.apply(lhs.value, rhs.value, op: "div", /)
        let x = lhs.value, y = rhs.value
        return Variable(out, parents: [lhs, rhs]) { g in
            let gx = try Broadcasting.apply(g, y, op: "div backward", /)
            // d(x/y)/dy = −x/y² = −(x/y)/y.
            let gy = try Broadcasting.apply(try Broadcasting.apply(g, out, op: "div backward", *), y, op: "div backward") { -$0 / $1 }
            return [Broadcasting.reduce(gx, to: x.shape), Broadcasting.reduce(gy, to: y.shape)]
        }
    }

    /// Multiplies by a constant.
    public func scaled(by factor: Float) -> Variable {
        Variable(Tensor(uncheckedShape: shape, scalars: value.scalars.map { $0 * factor }), parents: [self]) { g in
            [Tensor(uncheckedShape: g.shape, scalars: g.scalars.map { $0 * factor })]
        }
    }

    /// Sum of every element, as a rank-0 tensor.
    public func sum() -> Variable {
        var total = 0.0
        for v in value.scalars { total += Double(v) }
        let shape = self.shape
        return Variable(Tensor(scalar: Float(total)), parents: [self]) { g in [Tensor(shape: shape, repeating: g.scalars[0])] }
    }

    /// Mean of every element, as a rank-0 tensor.
    public func mean() -> Variable {
        sum().scaled(by: 1 / Float(max(value.count, 1)))
    }
}
