import Broadcasting
import Synchronization
import TestSupport
import Testing

@testable import EventLog

@Suite("Broadcast: one value to many streams")
struct BroadcastTests {
    @Test("every stream gets its first value, then each value sent, in order")
    func fansOut() async {
        let broadcast = Broadcast<Int>()
        let one = broadcast.stream(bufferingNewest: 10, first: 0)
        let two = broadcast.stream(bufferingNewest: 10)
        #expect(broadcast.count == 2)
        for value in 1...3 { broadcast.send(value) }
        broadcast.finishAll()
        #expect(await one.reduce(into: []) { $0.append($1) } == [0, 1, 2, 3])
        #expect(await two.reduce(into: []) { $0.append($1) } == [1, 2, 3])
        #expect(broadcast.count == 0)
    }

    @Test("a callback gets each value sent while it is registered, beside the streams")
    func callbacks() async {
        let broadcast = Broadcast<Int>()
        let seen = Mutex<[Int]>([])
        let stream = broadcast.stream(bufferingNewest: 10)
        let observation = broadcast.observe { value in seen.withLock { $0.append(value) } }
        #expect(broadcast.count == 2)
        broadcast.send(1)
        broadcast.send(2)
        observation.cancel()
        #expect(broadcast.count == 1)
        broadcast.send(3)
        broadcast.finishAll()
        #expect(seen.withLock { $0 } == [1, 2])
        #expect(await stream.reduce(into: []) { $0.append($1) } == [1, 2, 3])
    }

    @Test("a slow stream keeps the newest values; a dropped or cancelled one leaves the registry")
    func newestAndDropped() async {
        let broadcast = Broadcast<Int>()
        let slow = broadcast.stream(first: 0)
        for value in 1...5 { broadcast.send(value) }
        var iterator = slow.makeAsyncIterator()
        #expect(await iterator.next() == 5)
        do {
            _ = broadcast.stream()
        }
        let cancelled = Task { for await _ in broadcast.stream() {} }
        cancelled.cancel()
        await cancelled.value
        #expect(broadcast.count == 1)
        broadcast.finishAll()
        #expect(await iterator.next() == nil)
    }

    @Test("a store's subscription leaves its registry when the consumer drops it")
    func storeSubscriptionIsReleased() async throws {
        try await withTemporaryDirectory { root async throws in
            try await withStore(root.sub("log")) { store async throws in
                try await appendNumbered(store, count: 2)
                do {
                    var iterator = store.subscribe(after: 0).makeAsyncIterator()
                    #expect(try await iterator.next()?.sequence == 1)
                    #expect(store.subscribers.count == 1)
                }
                #expect(store.subscribers.count == 0)
            }
        }
    }
}
