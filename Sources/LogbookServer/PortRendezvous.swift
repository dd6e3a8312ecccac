import AdminAPI
import Gateway
import LogbookCore
import Logging
import ServiceLifecycle
import Synchronization
import XDS

/// Calls back once both servers have reported their ports.
actor PortRendezvous {
    private var httpPort: Int?
    private var xdsPort: Int?
    private let onBoth: @Sendable (BoundPorts) async -> Void

    init(onBoth: @escaping @Sendable (BoundPorts) async -> Void) {
        self.onBoth = onBoth
    }

    func http(_ port: Int) async {
        httpPort = port
        await report()
    }

    func xds(_ port: Int) async {
        xdsPort = port
        await report()
    }

    private func report() async {
        guard let httpPort, let xdsPort else { return }
        await onBoth(BoundPorts(http: httpPort, xds: xdsPort))
    }
}
