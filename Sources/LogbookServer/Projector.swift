import AdminAPI
import Gateway
import LogbookCore
import Logging
import ServiceLifecycle
import Synchronization
import XDS

/// Follows the log's configuration and hands each new state to the snapshot store.
struct Projector: ServiceLifecycle.Service {
    let logbook: Logbook
    let store: SnapshotStore

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await state in logbook.stateUpdates() { store.update(state) }
        }
    }
}
