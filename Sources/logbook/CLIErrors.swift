import EventLog
import Foundation
import LogbookCore

/// One readable sentence for errors that are not already `LogbookError`s.
enum CLIErrors {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as EventLogError: error.message
        case let error as DecodingError:
            DecodingErrorDescription(error).field + ": " + DecodingErrorDescription(error).message
        default: String(describing: error)
        }
    }
}
