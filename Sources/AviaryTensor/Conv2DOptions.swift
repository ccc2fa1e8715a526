/// How a 2-D convolution pads its input.
public enum Conv2DPadding: Sendable, Hashable {
    /// Top, left, bottom, right: asymmetric padding, as ONNX `pads` and exported TF models need.
    case explicit(top: Int, left: Int, bottom: Int, right: Int)
    /// TensorFlow's SAME: output = ceil(input / stride), the extra pixel going bottom/right.
    case same

    /// The same padding on both sides of each axis (PyTorch's `padding=(h, w)`).
    public static func symmetric(_ height: Int, _ width: Int) -> Conv2DPadding {
        .explicit(top: height, left: width, bottom: height, right: width)
    }
}

/// Stride, padding, dilation and groups of a 2-D convolution or pooling window.
public struct Conv2DOptions: Sendable, Hashable {
    public var strideH: Int, strideW: Int
    public var padding: Conv2DPadding
    public var dilationH: Int, dilationW: Int
    public var groups: Int

    public init(stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        self.init(strideH: stride, strideW: stride, padding: .symmetric(padding, padding), dilationH: dilation, dilationW: dilation, groups: groups)
    }

    public init(strideH: Int, strideW: Int, padding: Conv2DPadding, dilationH: Int = 1, dilationW: Int = 1, groups: Int = 1) {
        self.strideH = strideH; self.strideW = strideW
        self.padding = padding
        self.dilationH = dilationH; self.dilationW = dilationW
        self.groups = groups
    }

    /// Pads and output size for one input and kernel size; the single place the window arithmetic lives.
    public func resolve(op: String, inputH: Int, inputW: Int, kernelH: Int, kernelW: Int) throws -> Conv2DGeometry {
        guard strideH > 0, strideW > 0, dilationH > 0, dilationW > 0, groups > 0 else {
            throw TensorError.invalidArgument(op: op, detail: "stride \(strideH)×\(strideW), dilation \(dilationH)×\(dilationW), groups \(groups)", hint: "use strides, dilations and groups ≥ 1")
        }
        let extentH = (kernelH - 1) * dilationH + 1, extentW = (kernelW - 1) * dilationW + 1
        var top = 0, left = 0, bottom = 0, right = 0
        switch padding {
        case let .explicit(t, l, b, r):
            guard t >= 0, l >= 0, b >= 0, r >= 0 else {
                throw TensorError.invalidArgument(op: op, detail: "padding (\(t), \(l), \(b), \(r))", hint: "use padding ≥ 0")
            }
            (top, left, bottom, right) = (t, l, b, r)
        case .same:
            let outH = (inputH + strideH - 1) / strideH, outW = (inputW + strideW - 1) / strideW
            let totalH = max((outH - 1) * strideH + extentH - inputH, 0)
            let totalW = max((outW - 1) * strideW + extentW - inputW, 0)
            (top, bottom) = (totalH / 2, totalH - totalH / 2)
            (left, right) = (totalW / 2, totalW - totalW / 2)
        }
        let outH = (inputH + top + bottom - extentH) / strideH + 1
        let outW = (inputW + left + right - extentW) / strideW + 1
        guard inputH + top + bottom >= extentH, inputW + left + right >= extentW, outH > 0, outW > 0 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(inputH)×\(inputW) is smaller than the \(extentH)×\(extentW) window after padding", hint: "pad more or use a smaller kernel")
        }
        return Conv2DGeometry(
            strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW,
            padTop: top, padLeft: left, padBottom: bottom, padRight: right,
            kernelH: kernelH, kernelW: kernelW, inputH: inputH, inputW: inputW, outputH: outH, outputW: outW, groups: groups)
    }
}

/// A window fully resolved against one input size; also the key the oneDNN primitive cache uses.
public struct Conv2DGeometry: Sendable, Hashable {
    public var strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
    public var padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    public var kernelH: Int, kernelW: Int
    public var inputH: Int, inputW: Int, outputH: Int, outputW: Int
    public var groups: Int
}
