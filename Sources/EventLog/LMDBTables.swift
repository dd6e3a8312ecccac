import Foundation
import LMDB
import Synchronization

/// The named databases of one log.
struct Tables: Sendable {
    let events: Database
    let byTime: Database
    let byEntity: Database
    let checkpoints: Database
    let idempotency: Database
    let meta: Database
}
