import Logging
import ServiceLifecycle
import Testing

@testable import MASHDaemon

/// How mashd's parts stop one another, in process: a part that ends on its own is a failure
/// that stops the rest in order (so systemd restarts mashd), and a wait for READY gives up
/// when the start is abandoned.
@Suite struct ServiceGroupTests {
    /// Runs until told to stop gracefully; records that it was.
    final class LongRunning: Service, @unchecked Sendable {
        var stoppedGracefully = false

        func run() async throws {
            try? await gracefulShutdown()
            stoppedGracefully = Task.isShuttingDownGracefully
        }
    }

    /// Returns at once, as a listener closed by an error does.
    struct EndsAtOnce: Service {
        func run() async throws {}
    }

    static func group(_ services: [any Service]) -> ServiceGroup {
        let wrapped = services.enumerated().map { i, s in
            var c = ServiceGroupConfiguration.ServiceConfiguration(service: EssentialService(inner: s, name: "part \(i)"))
            c.failureTerminationBehavior = .gracefullyShutdownGroup
            c.successTerminationBehavior = .gracefullyShutdownGroup
            return c
        }
        return ServiceGroup(configuration: .init(services: wrapped, logger: Logger(label: "test")))
    }

    @Test func aPartThatEndsOnItsOwnFailsTheGroupAfterAnOrderlyStop() async throws {
        let other = LongRunning()
        await #expect(throws: EssentialService.EndedEarly.self) {
            try await Self.group([other, EndsAtOnce()]).run()
        }
        #expect(other.stoppedGracefully)
    }

    @Test func aPartThatEndsWhenToldToIsNotAFailure() async throws {
        let group = Self.group([LongRunning(), LongRunning()])
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func aWaitForReadyEndsWhenCancelledAndWhenEveryPartListens() async throws {
        let ready = ReadySignal(parts: 2)
        let abandoned = Task { await ready.wait() }
        try await Task.sleep(for: .milliseconds(20))
        abandoned.cancel()
        #expect(await abandoned.value == false)
        let waiting = Task { await ready.wait() }
        ready.signal()
        ready.signal()
        #expect(await waiting.value == true)
        // Once ready, a later wait returns at once.
        #expect(await ready.wait() == true)
    }
}
