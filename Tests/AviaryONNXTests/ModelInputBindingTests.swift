@testable import AviaryONNX
import Foundation
import Testing

@Suite struct ModelInputBindingTests {
    /// Two inputs sharing a batch symbol; the arrays come from a table instead of files.
    static let model: Onnx_ModelProto = {
        var builder = ONNXModelBuilder(graphName: "two", opset: 13)
        builder.addInput("image", .float32, shape: ["N", 3, 2, 2])
        builder.addInput("scale", .float32, shape: ["N"])
        builder.addOutput("y", .float32, shape: ["N", 3, 2, 2])
        builder.addNode("Mul", inputs: ["image", "scale"], outputs: ["y"])
        return builder.build()
    }()

    static let arrays: [String: HostArray] = [
        "image.npy": try! HostArray(shape: [2, 3, 2, 2], values: [Float](repeating: 1, count: 24)),
        "scale.npy": try! HostArray(shape: [2], values: [Float(1), 2]),
        "scale3.npy": try! HostArray(shape: [3], values: [Float(1), 2, 3]),
        "small.npy": try! HostArray(shape: [2, 3, 1, 2], values: [Float](repeating: 1, count: 12)),
        "ints.npy": try! HostArray(shape: [2], values: [Int64(1), 2]),
        "flat.npy": try! HostArray(shape: [24], values: [Float](repeating: 1, count: 24)),
    ]

    static func bind(_ arguments: [String]) throws(ModelInputError) -> [String] {
        try ModelInputBinding(arguments: arguments, model: model) { url in
            guard let array = arrays[url.lastPathComponent] else { throw NumPyError.fileNotFound(path: url.path) }
            return array
        }.inputs.map { "\($0.name)=\($0.file)" }
    }

    @Test func positionalNamedAndMixed() throws {
        #expect(try Self.bind(["image.npy", "scale.npy"]) == ["image=image.npy", "scale=scale.npy"])
        #expect(try Self.bind(["scale=scale.npy", "image=image.npy"]) == ["image=image.npy", "scale=scale.npy"])
        #expect(try Self.bind(["image=image.npy", "scale.npy"]) == ["image=image.npy", "scale=scale.npy"])
    }

    @Test func mismatchesAreNamed() {
        #expect(throws: ModelInputError.missingInput(name: "scale", declared: "float32 [N]")) { try Self.bind(["image.npy"]) }
        #expect(throws: ModelInputError.tooManyArrays(given: 3, inputs: ["image", "scale"])) { try Self.bind(["image.npy", "scale.npy", "scale.npy"]) }
        #expect(throws: ModelInputError.unknownInputName(name: "x", inputs: ["image", "scale"])) { try Self.bind(["x=image.npy"]) }
        #expect(throws: ModelInputError.boundTwice(name: "image")) { try Self.bind(["image=image.npy", "image=image.npy"]) }
        #expect(throws: ModelInputError.elementType(input: "scale", file: "ints.npy", declared: "float32", found: .int64)) {
            try Self.bind(["image.npy", "ints.npy"])
        }
        #expect(throws: ModelInputError.rank(input: "image", file: "flat.npy", declared: ["N", "3", "2", "2"], found: [24])) {
            try Self.bind(["flat.npy", "scale.npy"])
        }
        #expect(throws: ModelInputError.dimension(input: "image", file: "small.npy", axis: 2, declared: 2, found: 1)) {
            try Self.bind(["small.npy", "scale.npy"])
        }
        #expect(throws: ModelInputError.inconsistentSymbol(symbol: "N", first: "image", firstSize: 2, second: "scale", secondSize: 3)) {
            try Self.bind(["image.npy", "scale3.npy"])
        }
        #expect(throws: ModelInputError.unreadable(file: "gone.npy", reason: "\(URL(fileURLWithPath: "gone.npy").path): no such file")) {
            try Self.bind(["gone.npy", "scale.npy"])
        }
        #expect("\(ModelInputError.missingInput(name: "scale", declared: "float32 [N]"))"
            == "no array for input 'scale' (float32 [N]); pass one in graph-input order or as scale=FILE.npy")
    }

    @Test func outputFileNamesAreSafeAndUnique() {
        #expect(OutputFileNames.names(for: ["save_infer_model/scale_0.tmp_1", "y", "Y", "", "../up", "prob:0"])
            == ["save_infer_model_scale_0.tmp_1.npy", "y.npy", "Y_2.npy", "output.npy", "output.._up.npy", "prob_0.npy"])
    }
}
