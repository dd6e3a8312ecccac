import GraphQL

/// Runs one GraphQL request against the blog: parse, validate, then execute. The steps are
/// taken one by one (rather than through `graphql(...)`) because the HTTP layer answers a
/// syntax error with 400 and a mutation sent by GET with 405, and needs to tell them apart.
struct GraphQLExecutor: Sendable {
    /// What became of a request; `GraphQLController` maps each case to an HTTP status.
    enum Outcome: Sendable {
        /// Validated and executed; `data` is present, errors are field errors.
        case executed(GraphQLResult)
        /// Parsed but refused by validation (unknown field, bad argument type, ...).
        case invalid([GraphQLError])
        /// Not parseable as GraphQL.
        case syntaxError(GraphQLError)
        /// A mutation over a transport that only reads (GET).
        case mutationNotAllowed(GraphQLError)
    }

    private let schema: GraphQLSchema
    private let resolver = BlogResolver()
    private let store: BlogStore

    init(store: BlogStore) throws {
        self.store = store
        schema = try BlogSchema.make().schema
    }

    func run(_ request: GraphQLRequest, allowMutations: Bool) async -> Outcome {
        let document: Document
        do {
            document = try parse(source: Source(body: request.query, name: "GraphQL request"))
        } catch let error as GraphQLError {
            return .syntaxError(error)
        } catch {
            return .syntaxError(GraphQLError(message: "the query could not be parsed: \(error)"))
        }
        if !allowMutations, let operation = Self.operation(in: document, named: request.operationName),
            operation.operation == .mutation
        {
            return .mutationNotAllowed(
                GraphQLError(
                    message: "mutations are not allowed over GET; send them with POST /graphql",
                    nodes: [operation]))
        }
        let errors = validate(schema: schema, ast: document)
        guard errors.isEmpty else { return .invalid(errors) }
        do {
            let result = try await execute(
                schema: schema, documentAST: document, rootValue: resolver, context: store,
                variableValues: request.variables, operationName: request.operationName)
            return .executed(result)
        } catch let error as GraphQLError {
            return .executed(GraphQLResult(errors: [error]))
        } catch {
            return .executed(GraphQLResult(errors: [GraphQLError(message: String(describing: error))]))
        }
    }

    /// The operation `execute` would pick; nil when that is ambiguous, which execution reports.
    private static func operation(in document: Document, named name: String?) -> OperationDefinition? {
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        if let name {
            return operations.first { $0.name?.value == name }
        }
        return operations.count == 1 ? operations[0] : nil
    }
}
