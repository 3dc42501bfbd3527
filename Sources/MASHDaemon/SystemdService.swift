import Foundation
import Logging
import MASHSystemd
import NIOConcurrencyHelpers
import ServiceLifecycle
import UnixSignals

/// mashd's side of the service manager: READY once recovery is done and every socket
/// listens, a STATUS line kept current, WATCHDOG pings only while the process engine and the
/// committer make progress, reloads on SIGHUP, and STOPPING on shutdown.
final class SystemdService: Service, Sendable {
    private let notifier: SystemdNotifier
    private let ready: ReadySignal
    private let status: @Sendable () async -> String
    private let healthy: @Sendable () -> Bool
    private let reload: @Sendable () async -> Void
    private let logger: Logger

    init(
        notifier: SystemdNotifier, ready: ReadySignal, logger: Logger, status: @escaping @Sendable () async -> String,
        healthy: @escaping @Sendable () -> Bool, reload: @escaping @Sendable () async -> Void
    ) {
        self.notifier = notifier
        self.ready = ready
        self.logger = logger
        self.status = status
        self.healthy = healthy
        self.reload = reload
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            // A shutdown before every socket listens (one failed to bind) ends the wait.
            let isReady = await cancelWhenGracefulShutdown { await self.ready.wait() }
            guard isReady else { return }
            notifier.ready(status: await status())
            logger.info("ready", metadata: ["event": "recovery"])
            await withDiscardingTaskGroup { group in
                group.addTask { await self.hangups() }
                group.addTask { await self.heartbeat() }
            }
        } onGracefulShutdown: {
            self.notifier.stopping()
        }
    }

    /// SIGHUP: reload.
    private func hangups() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reload()
        }
    }

    /// Every half watchdog interval (or every 5 s): STATUS, and WATCHDOG if healthy.
    private func heartbeat() async {
        let watchdog = notifier.watchdogInterval
        let period = watchdog.map { min($0 / 2, .seconds(5)) } ?? .seconds(5)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if watchdog != nil {
                if healthy() {
                    notifier.watchdog()
                } else {
                    logger.error("no progress within the watchdog interval: not pinging the watchdog")
                }
            }
            notifier.status(await status())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}

/// Fulfilled once every part (the intake sockets, the control sockets, the metrics socket)
/// says it listens. A wait ends early, returning false, when its task is cancelled: a part
/// that failed to bind never signals, and the service group then stops everything.
final class ReadySignal: Sendable {
    private struct State {
        var left: Int
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var next = 0
    }

    private let state: NIOLockedValueBox<State>

    init(parts: Int) { state = NIOLockedValueBox(State(left: parts)) }

    func signal() {
        let waiters = state.withLockedValue { s -> [CheckedContinuation<Bool, Never>] in
            s.left -= 1
            guard s.left <= 0 else { return [] }
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        waiters.forEach { $0.resume(returning: true) }
    }

    /// True once every part listens; false if cancelled first.
    func wait() async -> Bool {
        let id = state.withLockedValue { s -> Int in
            s.next += 1
            return s.next
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
                let now = state.withLockedValue { s -> Bool? in
                    if s.left <= 0 { return true }
                    if Task.isCancelled { return false }
                    s.waiters[id] = c
                    return nil
                }
                if let now { c.resume(returning: now) }
            }
        } onCancel: {
            state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.resume(returning: false)
        }
    }
}
