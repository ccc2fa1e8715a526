import AviaryONNX

extension BackboneCatalog {
    /// The square side of an ONNX backbone's images: the one its input fixes, else `--input-size`. Inputs Aviary cannot feed are refused with the reason
    /// and the fix: Aviary's images are float32, channels-first (N×3×H×W) and square.
    static func imageSide(of input: ONNXModelSummary.Value, inputSize: Int?, path: String) throws(BackboneError) -> Int {
        func bad(_ reason: String) -> BackboneError { .badONNX(path: path, reason: reason) }
        guard input.elementType == "float32" else { throw bad("input '\(input.name)' is \(input.elementType), not float32") }
        guard let dims = input.shape else {
            guard let inputSize else { throw bad("input '\(input.name)' has no recorded shape; pass --input-size SIZE, the side the network was trained at") }
            return inputSize
        }
        let shown = dims.joined(separator: "×")
        guard dims.count == 4 else { throw bad("input '\(input.name)' is \(shown); a backbone takes images as N×3×H×W") }
        let sizes = dims.map { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        if sizes[3] == 3 && sizes[1] != 3 {
            throw bad("input '\(input.name)' is channels-last (\(shown)); Aviary feeds images as N×3×H×W: re-export the network with a channels-first input (tf2onnx: --inputs-as-nchw \(input.name))")
        }
        if let channels = sizes[1], channels != 3 { throw bad("input '\(input.name)' has \(channels) channels; backbones take RGB (N×3×H×W)") }
        switch (sizes[2], sizes[3]) {
        case let (height?, width?) where height != width:
            throw bad("input '\(input.name)' is \(height)×\(width) pixels; backbones take square images: re-export the network for a square input")
        case let (side?, _?):
            if let inputSize, inputSize != side { throw bad("--input-size \(inputSize) does not match the model's fixed input \(side)×\(side)") }
            return side
        default:
            guard let inputSize else {
                throw bad("input '\(input.name)' leaves height and width open (\(shown)); pass --input-size SIZE, the side the network was trained at")
            }
            return inputSize
        }
    }
}
