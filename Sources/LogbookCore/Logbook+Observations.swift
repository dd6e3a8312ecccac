import EventLog
import Gateway

extension Logbook {
    /// The actor stored in observation envelopes.
    public static let observationActor = "xds"

    /// Appends `observations` as observation events, grouped (one event per kind, type URL,
    /// version and message; each node's observations in order), durably. Observations whose node
    /// id cannot be stored are dropped, and over-long fields cut (`ProxyObservation.storable`).
    /// It records what it is given: `ObservationRecorder` is the one that drops repeats.
    public func record(_ observations: [ProxyObservation]) async throws {
        let events = ProxyObservation.events(observations.map(\.withNackMessageCut).compactMap(\.storable))
        guard !events.isEmpty else { return }
        _ = try await append(events, context: RequestContext(actor: Self.observationActor))
    }

    /// Every node the log has seen, as the log says it is now (through the durable head).
    public nonisolated func proxyStatus() throws -> ProxyStatusBoard {
        try observed.withLock { board in
            if let board { return board }
            // Under the lock: appends that complete meanwhile wait, then skip what this fold saw.
            var folded = ProxyStatusBoard()
            // Registered nodes are never forgotten; the fold sees no configuration events, so it
            // learns them from the state (appends that land meanwhile register them again).
            folded.setRegistered(state.proxies.keys)
            try foldObservations(into: &folded, through: store.head)
            board = folded
            return folded
        }
    }

    /// Folds the observation events of (board.head, through] into `board`, skipping
    /// configuration events by the envelope's kind byte without decoding them.
    private nonisolated func foldObservations(into board: inout ProxyStatusBoard, through: UInt64) throws {
        try store.scan(after: board.head, through: through) { view in
            guard view.kind == .observation else { return board.skip(seq: try view.sequence) }
            let envelope = try view.decode()
            board.apply(try EventCoding.event(of: envelope), seq: envelope.sequence, at: envelope.recordedAt)
        }
    }

    /// The observation events of node `id`, through the log's by-entity index, folded.
    public nonisolated func proxyHistory(node id: String) throws -> ProxyHistory {
        var history = ProxyHistory(node: id)
        var query = EventQuery()
        query.entity = GatewayEvent.nodeEntity(id)
        query.kinds = [.observation]
        query.limit = 1000
        repeat {
            let page = try store.envelopes(query)
            for envelope in page.envelopes {
                for observation in try EventCoding.event(of: envelope).observations where observation.node == id {
                    history.apply(observation, at: envelope.recordedAt)
                }
            }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return history
    }

    /// Appends ProxyPinned: the proxy or fleet with this `Proxy.key` is served exactly the
    /// resources of configuration version `version` until it is unpinned or deregistered.
    public func pin(_ key: ProxyKey, to version: UInt64, context: RequestContext = RequestContext()) async throws
        -> CommandResult
    {
        let target = try projection.state(at: min(version, store.head))
        return try await execute(.pinProxy(key: key, version: version, target: target), context: context)
    }
}

extension ProxyObservation {
    /// A NACK's message is cut to this many UTF-8 bytes, marker included: Envoy's details can
    /// quote a whole resource, and a client can make up a new message per request.
    public static let maxNackMessageBytes = 1024

    /// The observation with a NACK message longer than `maxNackMessageBytes` cut on a character
    /// boundary and marked `… [truncated from N bytes]`.
    public var withNackMessageCut: ProxyObservation {
        guard case .nacked(let node, let typeURL, let version, let message) = self,
            message.utf8.count > Self.maxNackMessageBytes
        else { return self }
        let marker = " … [truncated from \(message.utf8.count) bytes]"
        var cut = ""
        var bytes = 0
        for character in message {
            let size = character.utf8.count
            if bytes + size > Self.maxNackMessageBytes - marker.utf8.count { break }
            cut.append(character)
            bytes += size
        }
        return .nacked(node: node, typeURL: typeURL, version: version, message: cut + marker)
    }
}
