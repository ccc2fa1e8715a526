import AviaryVision
import Foundation

/// Decides whether bytes are an image Aviary can use, and how large it is, by decoding it for real:
/// a header can look fine in a file whose data is cut short.
struct ImageInspector {
    let decoder = ImageDecoder()

    enum Outcome {
        case image(width: Int, height: Int)
        case problem(ImportProblem)
    }

    func inspect(_ data: Data, origin: String) -> Outcome {
        guard let format = ImageFormat.sniff(data) else {
            return .problem(ImportProblem(origin: origin, kind: .unsupported, reason: "not an image (neither JPEG nor PNG)"))
        }
        guard format.isDecodable else {
            return .problem(ImportProblem(origin: origin, kind: .unsupported, reason: "\(format.rawValue) is not supported; convert it to JPEG or PNG"))
        }
        do {
            let image = try decoder.decode(data, name: origin)
            return .image(width: image.width, height: image.height)
        } catch let error as ImageError {
            let kind: ImportProblem.Kind
            switch error.reason {
            case .unsupportedFormat: kind = .unsupported
            case .unreadable: kind = .missing
            default: kind = .corrupt
            }
            return .problem(ImportProblem(origin: origin, kind: kind, reason: Self.reason(of: error)))
        } catch {
            return .problem(ImportProblem(origin: origin, kind: .corrupt, reason: "\(error)"))
        }
    }

    /// The error's description without the leading source name, which the problem already carries.
    static func reason(of error: ImageError) -> String {
        let text = error.description
        let prefix = error.source + ": "
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }
}
