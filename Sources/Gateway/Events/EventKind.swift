/// Whether an event changes the configuration or only records what a proxy did (kept in the envelope header).
public enum EventKind: UInt8, Sendable {
    case configuration = 1
    case observation = 2
}
