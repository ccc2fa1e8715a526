import AviaryJSON
/// A Python file with `lambda_handler(event, context)`, run with python3 through a small
/// bootstrap. An exception becomes an ASL error named after the exception class, as Lambda
/// reports `errorType`.
public struct PythonLambdaFunction: WorkflowFunction {
    public let file: String
    public let handler: String
    public let python: String
    /// Added to the inherited environment (the platform passes the project's location).
    public let environment: [String: String]?

    public init(file: String, handler: String = "lambda_handler", python: String = "/usr/bin/env", environment: [String: String]? = nil) {
        self.file = file
        self.handler = handler
        self.python = python
        self.environment = environment
    }

    public func call(event: JSONValue) async throws -> JSONValue {
        let command = CommandFunction(
            executable: python, arguments: ["python3", "-c", Self.bootstrap, file, handler], environment: environment)
        return try await command.call(event: event)
    }

    /// Reads the event from stdin, imports the user's file, calls the handler, prints JSON.
    static let bootstrap = """
        import importlib.util, json, sys, time, uuid
        path, handler_name = sys.argv[1], sys.argv[2]
        class Context:
            function_name = path
            aws_request_id = str(uuid.uuid4())
            memory_limit_in_mb = 128
            def get_remaining_time_in_millis(self):
                return 900000
        try:
            event = json.loads(sys.stdin.read() or "null")
            spec = importlib.util.spec_from_file_location("aviary_user_function", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            result = getattr(module, handler_name)(event, Context())
            sys.stdout.write(json.dumps(result))
        except Exception as error:
            sys.stdout.write(json.dumps({"errorType": type(error).__name__, "errorMessage": str(error)}))
            sys.exit(1)
        """
}
