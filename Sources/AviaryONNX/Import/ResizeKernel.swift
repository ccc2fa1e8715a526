import Foundation

/// ONNX Resize's interpolation along one axis, ported from ONNX's reference implementation
/// (`onnx/reference/ops/op_resize.py`, `_interpolate_1d_along_axis`): each output position maps to
/// a source coordinate, then to a fixed-width window of input taps (edge-clamped) and their weights.
struct ResizeKernel {
    enum Mode: Equatable { case nearest(String), linear, cubic(a: Double) }

    var mode: Mode
    var coordinates: String
    var antialias: Bool
    var excludeOutside: Bool

    /// Taps and weights for every output position, and which positions are extrapolated
    /// (tf_crop_and_resize outside the region: they take `extrapolation_value`).
    func taps(inputSize: Int, outputSize: Int, scale: Double, roi: (Double, Double)?) -> (indices: [[Int]], weights: [[Float]], extrapolated: [Bool]) {
        var indices: [[Int]] = [], weights: [[Float]] = [], extrapolated: [Bool] = []
        let input = Double(inputSize), outputWidth = scale * input
        for y in 0..<outputSize {
            let position = Double(y)
            var source: Double
            var outside = false
            switch coordinates {
            case "align_corners": source = outputWidth == 1 ? 0 : position * (input - 1) / (outputWidth - 1)
            case "asymmetric": source = position / scale
            case "tf_half_pixel_for_nn": source = (position + 0.5) / scale
            case "tf_crop_and_resize":
                let (start, end) = roi ?? (0, 1)
                source = (outputWidth == 1 ? (end - start) * (input - 1) / 2 : position * (end - start) * (input - 1) / (outputWidth - 1)) + start * (input - 1)
                outside = source < 0 || source > input - 1
            case "pytorch_half_pixel": source = outputWidth == 1 ? -0.5 : (position + 0.5) / scale - 0.5
            case "half_pixel_symmetric":
                let offset = input / 2 * (1 - Double(outputSize) / outputWidth)
                source = offset + (position + 0.5) / scale - 0.5
            default: source = (position + 0.5) / scale - 0.5  // half_pixel
            }
            let whole = source.rounded(.down)
            var coefficients = self.coefficients(ratio: source == whole ? 1 : source - whole, scale: scale)
            let n = coefficients.count, pad = (n + 1) / 2
            let padded = source + Double(pad)
            let floorPadded = padded.rounded(.down), fraction = padded - floorPadded
            let offset = n % 2 == 0 ? (fraction == 0 ? -(n / 2) : -(n / 2) + 1) : (fraction <= 0.5 ? -((n - 1) / 2) : -((n - 1) / 2) + 1)
            let first = Int(floorPadded) + offset - pad
            let window = (first..<(first + n))
            if excludeOutside {
                for (t, index) in window.enumerated() where index < 0 || index >= inputSize { coefficients[t] = 0 }
                let total = coefficients.reduce(0, +)
                if total != 0 { coefficients = coefficients.map { $0 / total } }
            }
            extrapolated.append(outside)
            if outside {
                indices.append([]); weights.append([])
            } else {
                indices.append(window.map { min(max($0, 0), inputSize - 1) })
                weights.append(coefficients.map { Float($0) })
            }
        }
        return (indices, weights, extrapolated)
    }

    /// The reference's `_nearest_coeffs`, `_linear_coeffs(_antialias)`, `_cubic_coeffs(_antialias)`;
    /// `ratio` is in (0, 1], the distance past the tap on the left.
    func coefficients(ratio: Double, scale: Double) -> [Double] {
        switch mode {
        case .nearest(let rounding):
            if ratio == 1 { return [0, 1] }
            switch rounding {
            case "round_prefer_ceil": return ratio < 0.5 ? [1, 0] : [0, 1]
            case "floor": return [1, 0]
            case "ceil": return [0, 1]
            default: return ratio <= 0.5 ? [1, 0] : [0, 1]  // round_prefer_floor
            }
        case .linear where antialias:
            let s = min(scale, 1)
            let start = Int((-1 / s).rounded(.down)) + 1, footprint = 2 - 2 * start
            let raw = (start..<(start + footprint)).map { Swift.min(Swift.max(1 - abs((Double($0) - ratio) * s), 0), 1) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        case .linear:
            return [1 - ratio, ratio]
        case .cubic(let a) where antialias:
            let s = min(scale, 1)
            let start = Int((-2 / s).rounded(.down)) + 1, end = 2 - start
            let raw = (start..<end).map { Self.cubic(s * (Double($0) - ratio), a) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        case .cubic(let a):
            return [Self.cubic(ratio + 1, a), Self.cubic(ratio, a), Self.cubic(1 - ratio, a), Self.cubic(2 - ratio, a)]
        }
    }

    /// Keys' cubic convolution kernel with parameter `a`.
    static func cubic(_ x: Double, _ a: Double) -> Double {
        let x = abs(x)
        if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return 0
    }
}
