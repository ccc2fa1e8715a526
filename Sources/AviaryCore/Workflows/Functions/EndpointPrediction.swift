import AviaryJSON
import Foundation

/// One class of a prediction, best first in `EndpointPrediction.ranked`.
struct RankedClass: Equatable, Sendable {
    var label: String
    /// The class's position in the model's output, when the endpoint answered probabilities.
    var index: Int?
    var confidence: Double
}

extension RankedClass {
    /// Classes best first; ties keep the model's order. Without labels a class is named by its index.
    static func ranking(_ probabilities: [Double], labels: [String]?) -> [RankedClass] {
        probabilities.enumerated()
            .map { RankedClass(label: labels?[$0.offset] ?? String($0.offset), index: $0.offset, confidence: $0.element) }
            .sorted { $0.confidence != $1.confidence ? $0.confidence > $1.confidence : $0.index! < $1.index! }
    }
}

/// Reads what a model endpoint answered. Endpoints that follow the SageMaker contract answer in a few
/// shapes, and a workflow should not care which: a bare array of class probabilities (SageMaker's
/// built-in image classifier), `{"probabilities": […], "labels": […]}` (labels also as `classes`),
/// TensorFlow Serving's `{"predictions": [[…]]}`, or an already decided `{"label": …, "confidence": …}`.
enum EndpointPrediction {
    struct Unreadable: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Classes best first (ties keep the model's order). `labels` given by the caller win over labels in
    /// the answer; without either, a class is named by its index.
    static func ranked(from body: Data, labels callerLabels: [String]?) throws(Unreadable) -> [RankedClass] {
        let text = String(decoding: body, as: UTF8.self)
        let answer: JSONValue
        do { answer = try JSONParser.parse(text) } catch {
            throw Unreadable(description: "the endpoint's answer is not JSON (\(error.description)): \(text.prefix(200))")
        }
        if let label = answer["label"]?.stringValue {
            guard let confidence = answer["confidence"]?.doubleValue else {
                throw Unreadable(description: "the endpoint answered a label without a numeric \"confidence\"")
            }
            return [RankedClass(label: label, index: nil, confidence: confidence)]
        }
        let probabilities = try Self.probabilities(in: answer)
        let labels = callerLabels ?? (answer["labels"] ?? answer["classes"])?.arrayValue?.compactMap(\.stringValue)
        if let labels, labels.count != probabilities.count {
            throw Unreadable(description: "the endpoint answered \(probabilities.count) probabilities but there are \(labels.count) labels")
        }
        return RankedClass.ranking(probabilities, labels: labels)
    }

    private static func probabilities(in answer: JSONValue) throws(Unreadable) -> [Double] {
        var row = answer["probabilities"] ?? answer["predictions"] ?? answer
        if let first = row.arrayValue?.first, first.arrayValue != nil { row = first }  // a batch of one
        guard let values = row.arrayValue, !values.isEmpty else {
            throw Unreadable(description: "the endpoint's answer holds no probabilities: expected an array of numbers, "
                + "{\"probabilities\": […]}, {\"predictions\": [[…]]} or {\"label\": …, \"confidence\": …}")
        }
        let numbers = values.compactMap(\.doubleValue)
        guard numbers.count == values.count else {
            throw Unreadable(description: "the endpoint's probabilities are not all numbers")
        }
        return numbers
    }
}
