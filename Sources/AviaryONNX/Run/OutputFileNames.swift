/// File names for a model's outputs in `aviary onnx run --out DIR`: the output name with anything
/// but letters, digits, '.', '-' and '_' replaced by '_' (names such as
/// "save_infer_model/scale_0.tmp_1" hold slashes), made unique, with ".npy" appended.
public enum OutputFileNames {
    public static func names(for outputs: [String]) -> [String] {
        var used: Set<String> = []
        return outputs.map { output in
            let safe = String(output.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
            let stem = safe.isEmpty || safe.hasPrefix(".") ? "output" + safe : safe
            var candidate = stem
            var suffix = 2
            while !used.insert(candidate.lowercased()).inserted {
                candidate = "\(stem)_\(suffix)"
                suffix += 1
            }
            return candidate + ".npy"
        }
    }
}
