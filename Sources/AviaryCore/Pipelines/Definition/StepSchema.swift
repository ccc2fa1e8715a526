/// What each step kind accepts besides the keys every step has, and of which type: the validator's
/// table, and the reference for the README.
enum StepSchema {
    enum FieldType: Sendable {
        case string, int, number, bool
        /// A string or a list of strings.
        case strings
        /// A mapping from names to strings.
        case stringMap
        /// A mapping from names to strings, numbers or booleans.
        case scalarMap
        /// A mapping from names to numbers, or one `${steps.S.outputs}` reference.
        case numberMap
        /// A list of step names.
        case stepList
        /// A condition expression.
        case expression

        var phrase: String {
            switch self {
            case .string: "a string"
            case .int: "an integer"
            case .number: "a number"
            case .bool: "true or false"
            case .strings: "a string or a list of strings"
            case .stringMap: "a mapping of names to strings"
            case .scalarMap: "a mapping of names to strings, numbers or booleans"
            case .numberMap: "a mapping of names to numbers, or a ${steps.STEP.outputs} reference"
            case .stepList: "a list of step names"
            case .expression: "a condition such as steps.evaluate.outputs.accuracy >= params.threshold"
            }
        }
    }

    struct Field: Sendable {
        var type: FieldType
        var required = false
        var help: String
    }

    /// Keys every step accepts.
    static let common: Set<String> = ["kind", "description", "depends_on", "timeout", "retry", "cache"]

    static func fields(_ kind: PipelineStepKind) -> [String: Field] {
        switch kind {
        case .split:
            return ["dataset": Field(type: .string, required: true, help: "the dataset version to split (NAME, NAME@ID or an id)"),
                    "fractions": Field(type: .scalarMap, help: "part name → fraction, adding up to 1 (default train 0.8, validation 0.1, test 0.1)"),
                    "seed": Field(type: .int, help: "seed of the shuffle (default 0)")]
        case .script:
            return ["command": Field(type: .strings, required: true, help: "the command: a list of words, or one string run by /bin/sh -c"),
                    "channels": Field(type: .stringMap, help: "input channel → dataset version or folder blob"),
                    "environment": Field(type: .scalarMap, help: "extra environment variables"),
                    "params": Field(type: .scalarMap, help: "hyperparameters, passed as AVIARY_PARAM_<NAME> and params.json"),
                    "code": Field(type: .strings, help: "files or folders whose content is part of the cache key")]
        case .condition:
            return ["if": Field(type: .expression, required: true, help: "the condition"),
                    "then": Field(type: .stepList, help: "steps that run only when the condition holds"),
                    "else": Field(type: .stepList, help: "steps that run only when it does not")]
        case .register:
            return ["group": Field(type: .string, required: true, help: "the model group"),
                    "model": Field(type: .string, help: "the model: a blob id, usually ${steps.train.outputs.model}"),
                    "metrics": Field(type: .numberMap, help: "metric name → number"),
                    "dataset": Field(type: .string, help: "the dataset version the model was trained on"),
                    "approve": Field(type: .bool, help: "register it already Approved instead of PendingManualApproval")]
        case .fail:
            return ["message": Field(type: .string, required: true, help: "why the run fails")]
        case .train:
            return ["dataset": Field(type: .string, required: true, help: "the training dataset version"),
                    "validation": Field(type: .string, help: "the validation dataset version"),
                    "mode": Field(type: .string, help: "scratch (default), head or finetune"),
                    "architecture": Field(type: .string, help: "small-cnn, resnet18, mobilenet-v2 or efficientnet-lite0"),
                    "epochs": Field(type: .int, help: "epochs"), "batch_size": Field(type: .int, help: "batch size"),
                    "learning_rate": Field(type: .number, help: "learning rate"), "image_size": Field(type: .int, help: "image side"),
                    "augment": Field(type: .bool, help: "augment the training images"),
                    "patience": Field(type: .int, help: "epochs without improvement before stopping early"),
                    "seed": Field(type: .int, help: "seed of the weights and the shuffles")]
        case .evaluate:
            return ["model": Field(type: .string, required: true, help: "the model: an artifact blob id such as ${steps.train.outputs.model}, or GROUP/VERSION"),
                    "dataset": Field(type: .string, required: true, help: "the dataset version to score it on"),
                    "top_k": Field(type: .int, help: "the k of the top-k accuracy output (default 5)")]
        case .transform:
            return ["model": Field(type: .string, required: true, help: "the model: an artifact blob id such as ${steps.train.outputs.model}, or GROUP/VERSION"),
                    "dataset": Field(type: .string, required: true, help: "the dataset version whose images it predicts")]
        }
    }
}
