/// A resolver's refusal of one argument. Thrown as a plain error (not a `GraphQLError`) so the
/// executor attaches the field's location and path; `GraphQLExecutor` adds the argument name
/// to the error's `extensions`.
struct BlogInputError: Error, CustomStringConvertible, Sendable {
    let argument: String
    let reason: String

    var description: String { "invalid argument \"\(argument)\": \(reason)" }
}
