import EventLog
import Foundation
import Gateway
import LogbookCore
import Logging

extension Route {
    /// `prefix /api/ -> rest-api`, for the state summary.
    var summaryLine: String {
        let match =
            match.prefix.map { "prefix \($0)" } ?? match.path.map { "path \($0)" } ?? match.regex.map { "regex \($0)" }
            ?? ""
        let target: String =
            switch destination {
            case .service(let name): name
            case .weighted(let split): split.map { "\($0.service) \($0.weight)%" }.joined(separator: ", ")
            }
        return "\(match) -> \(target)"
    }
}
extension Proxy {
    var portsLine: String {
        [
            ("host", host), ("http", httpPort.map(String.init)), ("grpc", grpcPort.map(String.init)),
            ("admin", adminPort.map(String.init)),
        ]
        .compactMap { label, value in value.map { "\(label) \($0)" } }
        .joined(separator: "  ")
    }
}
