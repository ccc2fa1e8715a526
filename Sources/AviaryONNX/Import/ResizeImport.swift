import AviaryTensor

/// ONNX Resize (opsets 10 to 19) on float data: scales or sizes (with `axes` and
/// `keep_aspect_ratio_policy`), nearest/linear/cubic, every coordinate transformation, antialias,
/// exclude_outside and tf_crop_and_resize's region and extrapolation value. Each resized axis
/// becomes one `ResampleAxis`, so the result is differentiable like any other engine op.
enum ResizeImport {
    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?], _ x: Variable) throws -> Variable {
        var known: Set<String> = ["mode"]
        if node.opset >= 11 { known.formUnion(["coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "nearest_mode"]) }
        if node.opset >= 18 { known.formUnion(["antialias", "axes", "keep_aspect_ratio_policy"]) }
        try node.rejectUnknown(except: known)
        let rank = x.shape.count
        let kernel = try self.kernel(node)

        func floats(_ index: Int) throws -> [Double]? {
            guard index < inputs.count, let value = inputs[index] else { return nil }
            // Scales and roi carry no gradient; computed ones are read as they are now (the graph runs eagerly).
            let array = try value.currentValue(node, input: node.node.input[index])
            guard array.count > 0 else { return nil }
            guard [.float32, .float64, .float16].contains(array.elementType) else { throw node.unsupported("input '\(node.node.input[index])'", "of element type \(array.elementType)") }
            return array.floats().map(Double.init)
        }
        let axes = try (node.ints("axes") ?? (0..<Int64(rank)).map { $0 }).map { Int($0) < 0 ? Int($0) + rank : Int($0) }
        guard axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == axes.count else { throw node.unsupported("axes", "= \(axes) for rank \(rank)") }
        let scalesGiven = try floats(node.opset == 10 ? 1 : 2)
        var sizesGiven: [Int]?
        if node.opset >= 11, inputs.count > 3, let sizes = inputs[3], sizes.shape.reduce(1, *) > 0 {
            sizesGiven = try sizes.integers(node, input: node.node.input[3])
        }
        var scales = [Double](repeating: 1, count: rank), sizes = x.shape
        switch (scalesGiven, sizesGiven) {
        case (let given?, nil):
            guard given.count == axes.count, given.allSatisfy({ $0 > 0 }) else { throw node.unsupported("scales", "= \(given) for axes \(axes)") }
            // Resize-10 defines no coordinate mapping; only whole-number upsampling (repeat) is unambiguous.
            if node.opset == 10, !given.allSatisfy({ $0 >= 1 && $0 == $0.rounded() }) { throw node.unsupported("scales", "= \(given) at opset 10 (whole numbers only)") }
            for (axis, scale) in zip(axes, given) {
                scales[axis] = scale
                sizes[axis] = Int(scale * Double(x.shape[axis]))
            }
        case (nil, let given?):
            guard given.count == axes.count, given.allSatisfy({ $0 > 0 }) else { throw node.unsupported("sizes", "= \(given) for axes \(axes)") }
            for (axis, size) in zip(axes, given) { scales[axis] = Double(size) / Double(x.shape[axis]); sizes[axis] = size }
            switch try node.string("keep_aspect_ratio_policy") ?? "stretch" {
            case "stretch": break
            case let policy where policy == "not_larger" || policy == "not_smaller":
                let chosen = axes.map { scales[$0] }
                let scale = policy == "not_larger" ? chosen.min()! : chosen.max()!
                for axis in axes { scales[axis] = scale; sizes[axis] = Int(scale * Double(x.shape[axis]) + 0.5) }
            case let other: throw node.unsupported("keep_aspect_ratio_policy", "= \(other)")
            }
        default: throw node.unsupported("scales/sizes", "(exactly one of them must be given)")
        }
        var roi: [Int: (Double, Double)] = [:]
        if kernel.coordinates == "tf_crop_and_resize" {
            guard let values = try floats(1), values.count == 2 * axes.count else { throw node.unsupported("roi", "(tf_crop_and_resize needs 2 values per axis)") }
            for (i, axis) in axes.enumerated() { roi[axis] = (values[i], values[axes.count + i]) }
        }

        var maps: [ResampleAxis] = []
        var extrapolated: [Int: [Bool]] = [:]
        for axis in axes {
            let region = roi[axis]
            let identity = abs(scales[axis] - 1) <= 1e-9 && sizes[axis] == x.shape[axis] && (region.map { abs($0.0) <= 1e-9 && abs($0.1 - 1) <= 1e-9 } ?? true)
            if identity { continue }
            let taps = kernel.taps(inputSize: x.shape[axis], outputSize: sizes[axis], scale: scales[axis], roi: region)
            maps.append(try ResampleAxis(axis: axis, inputSize: x.shape[axis], indices: taps.indices, weights: taps.weights))
            if taps.extrapolated.contains(true) { extrapolated[axis] = taps.extrapolated }
        }
        let resized = try x.resampled(along: maps)
        guard !extrapolated.isEmpty else { return resized }
        return try resized + Variable(try OutsideFill.tensor(shape: sizes, outside: extrapolated, value: try node.float("extrapolation_value") ?? 0))
    }

    static func kernel(_ node: NodeAttributes) throws -> ResizeKernel {
        let antialias = try node.int("antialias") ?? 0 != 0
        let mode: ResizeKernel.Mode
        switch try node.string("mode") ?? "nearest" {
        case "nearest":
            let rounding = node.opset == 10 ? "floor" : try node.string("nearest_mode") ?? "round_prefer_floor"
            guard ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"].contains(rounding) else { throw node.unsupported("nearest_mode", "= \(rounding)") }
            if antialias { throw node.unsupported("antialias", "with mode nearest") }
            mode = .nearest(rounding)
        case "linear" where node.opset >= 11: mode = .linear
        case "cubic" where node.opset >= 11: mode = .cubic(a: Double(try node.float("cubic_coeff_a") ?? -0.75))
        case let other: throw node.unsupported("mode", "= \(other)")
        }
        let coordinates = node.opset == 10 ? "asymmetric" : try node.string("coordinate_transformation_mode") ?? "half_pixel"
        var allowed: Set<String> = ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric", "tf_crop_and_resize"]
        if node.opset < 13 { allowed.insert("tf_half_pixel_for_nn") }
        if node.opset >= 19 { allowed.insert("half_pixel_symmetric") }
        guard allowed.contains(coordinates) else { throw node.unsupported("coordinate_transformation_mode", "= \(coordinates)") }
        return ResizeKernel(mode: mode, coordinates: coordinates, antialias: antialias, excludeOutside: try node.int("exclude_outside") ?? 0 != 0)
    }
}
