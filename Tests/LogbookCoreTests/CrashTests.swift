import EventLog
import Foundation
import Synchronization
import TestSupport
import Testing

@Suite("Crash safety", .serialized)
struct CrashTests {
    @Test("after 20 SIGKILLs at random moments every acknowledged event is present and the chain verifies")
    func killedWriterLosesNothingAcknowledged() async throws {
        let dir = try TemporaryDirectory()
        var random = SeededGenerator(state: UInt64(Date().timeIntervalSince1970))
        var acknowledged = Set<UInt64>()
        for round in 1...20 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: logbookExecutable)
            // 4 writers, then 16: small and large group commits die mid-flight.
            process.arguments = ["append-loop", "--data-dir", dir.path, "--writers", round % 2 == 0 ? "16" : "4"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            let early = Mutex(Data())
            out.fileHandleForReading.readabilityHandler = { handle in
                let chunk = handle.availableData
                early.withLock { $0.append(chunk) }
            }
            try process.run()
            // Let it get going (its first acknowledgement; a busy machine starts it slowly), then kill
            // it at a random moment.
            let deadline = ContinuousClock.now + .seconds(30)
            while early.withLock({ $0.isEmpty }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...600, using: &random)))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            out.fileHandleForReading.readabilityHandler = nil
            let data = early.withLock { $0 } + out.fileHandleForReading.readDataToEndOfFile()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): the writer must have been killed")
            // Only complete lines were acknowledged; a torn last line was not.
            var text = String(decoding: data, as: UTF8.self)
            if !text.hasSuffix("\n"), let cut = text.lastIndex(of: "\n") { text = String(text[...cut]) }
            let seen = text.split(separator: "\n").compactMap { UInt64($0) }
            #expect(!seen.isEmpty, "round \(round): the writer acknowledged nothing")
            acknowledged.formUnion(seen)

            // Opening for writing also proves the dead writer's lock went with it.
            let store = try LMDBEventStore(directory: dir.path)
            defer { store.close() }
            let report = try store.verify()
            #expect(report.isValid, "round \(round): \(report.problem ?? "")")
            #expect(report.checked == store.head)
            let missing = acknowledged.filter { $0 > store.head }
            #expect(missing.isEmpty, "round \(round): acknowledged but lost: \(missing.sorted().prefix(5))")
            for sequence in acknowledged.sorted().suffix(20) {
                #expect(try store.envelope(at: sequence) != nil)
            }
        }
    }
}
