/// The plain Swift definition of 2-D convolution (NCHW input, OIHW weights with I = C/groups).
/// Slow and obvious on purpose: the oneDNN kernels are tested against it.
public enum Conv2DReference {
    public static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let o = weight.shape[0], cg = c / g.groups, og = o / g.groups
        var out = [Float](repeating: 0, count: n * o * g.outputH * g.outputW)
        input.scalars.withUnsafeBufferPointer { x in
            weight.scalars.withUnsafeBufferPointer { wt in
                for b in 0..<n { for oc in 0..<o {
                    let group = oc / og
                    for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                        var acc = Double(bias?.scalars[oc] ?? 0)
                        for icg in 0..<cg {
                            let ic = group * cg + icg
                            for kh in 0..<g.kernelH {
                                let ih = oh * g.strideH - g.padTop + kh * g.dilationH
                                if ih < 0 || ih >= h { continue }
                                for kw in 0..<g.kernelW {
                                    let iw = ow * g.strideW - g.padLeft + kw * g.dilationW
                                    if iw < 0 || iw >= w { continue }
                                    acc += Double(x[((b * c + ic) * h + ih) * w + iw]) * Double(wt[((oc * cg + icg) * g.kernelH + kh) * g.kernelW + kw])
                                }
                            }
                        }
                        out[((b * o + oc) * g.outputH + oh) * g.outputW + ow] = Float(acc)
                    } }
                } }
            }
        }
        return Tensor(uncheckedShape: [n, o, g.outputH, g.outputW], scalars: out)
    }

    /// dL/dinput: every output gradient scattered back through the window it read.
    public static func backwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry g: Conv2DGeometry) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let o = weight.shape[0], cg = c / g.groups, og = o / g.groups
        var gradIn = [Float](repeating: 0, count: n * c * h * w)
        gradOutput.scalars.withUnsafeBufferPointer { dy in
            weight.scalars.withUnsafeBufferPointer { wt in
                for b in 0..<n { for oc in 0..<o {
                    let group = oc / og
                    for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                        let go = dy[((b * o + oc) * g.outputH + oh) * g.outputW + ow]
                        for icg in 0..<cg {
                            let ic = group * cg + icg
                            for kh in 0..<g.kernelH {
                                let ih = oh * g.strideH - g.padTop + kh * g.dilationH
                                if ih < 0 || ih >= h { continue }
                                for kw in 0..<g.kernelW {
                                    let iw = ow * g.strideW - g.padLeft + kw * g.dilationW
                                    if iw < 0 || iw >= w { continue }
                                    gradIn[((b * c + ic) * h + ih) * w + iw] += go * wt[((oc * cg + icg) * g.kernelH + kh) * g.kernelW + kw]
                                }
                            }
                        }
                    } }
                } }
            }
        }
        return Tensor(uncheckedShape: inputShape, scalars: gradIn)
    }

    /// dL/dweight and dL/dbias (the bias gradient sums the output gradient over N, H, W).
    public static func backwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry g: Conv2DGeometry) -> (weight: Tensor, bias: Tensor) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let o = weightShape[0], cg = c / g.groups, og = o / g.groups
        var gradW = [Double](repeating: 0, count: weightShape.reduce(1, *))
        var gradB = [Double](repeating: 0, count: o)
        input.scalars.withUnsafeBufferPointer { x in
            gradOutput.scalars.withUnsafeBufferPointer { dy in
                for b in 0..<n { for oc in 0..<o {
                    let group = oc / og
                    for oh in 0..<g.outputH { for ow in 0..<g.outputW {
                        let go = Double(dy[((b * o + oc) * g.outputH + oh) * g.outputW + ow])
                        gradB[oc] += go
                        for icg in 0..<cg {
                            let ic = group * cg + icg
                            for kh in 0..<g.kernelH {
                                let ih = oh * g.strideH - g.padTop + kh * g.dilationH
                                if ih < 0 || ih >= h { continue }
                                for kw in 0..<g.kernelW {
                                    let iw = ow * g.strideW - g.padLeft + kw * g.dilationW
                                    if iw < 0 || iw >= w { continue }
                                    gradW[((oc * cg + icg) * g.kernelH + kh) * g.kernelW + kw] += go * Double(x[((b * c + ic) * h + ih) * w + iw])
                                }
                            }
                        }
                    } }
                } }
            }
        }
        return (Tensor(uncheckedShape: weightShape, scalars: gradW.map(Float.init)), Tensor(uncheckedShape: [o], scalars: gradB.map(Float.init)))
    }
}
