/// Bad input from a caller, naming the field and why; the services answer it as INVALID_ARGUMENT.
struct InvalidField: Error, Hashable {
    let field: String
    let reason: String

    var message: String { "\(field): \(reason)" }
}
