import Logging
import MASHCore
import MASHStore
import MASHWire
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// Group commit: collects the lines every connection has read and commits them together, one
/// transaction and one fsync for all that arrived while the previous commit was running. Each
/// line's promise is completed only after its transaction has committed, so no `ok` is ever
/// written for a line that is not on disk.
public final class IntakeCommitter: Service, Sendable {
    public struct Configuration: Sendable {
        /// Lines per transaction at most, bounding the latency of one commit.
        public var maximumBatch: Int

        public init(maximumBatch: Int = 2048) { self.maximumBatch = maximumBatch }
    }

    struct Pending {
        var line: IntakeLine
        var promise: EventLoopPromise<CommitOutcome>
    }

    struct State {
        var queue: [Pending] = []
        /// Lines submitted and not yet answered: queued, committing, or waiting for the
        /// completer.
        var outstanding = 0
        var waiter: CheckedContinuation<Void, Never>?
        var stopping = false
    }

    private let store: CaseStore
    private let configuration: Configuration
    private let clock: @Sendable () -> Timestamp
    private let model: ActiveModel
    private let state = NIOLockedValueBox(State())
    private let lastAnswered = NIOLockedValueBox(ContinuousClock.now)
    private let logger: Logger
    /// Called after each commit with what the process engine must hear.
    private let onCommit: @Sendable ([IntakeEvent]) -> Void

    public init(
        store: CaseStore, model: ActiveModel, configuration: Configuration = .init(),
        clock: @escaping @Sendable () -> Timestamp, logger: Logger,
        onCommit: @escaping @Sendable ([IntakeEvent]) -> Void = { _ in }
    ) {
        self.store = store
        self.model = model
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.onCommit = onCommit
    }

    /// For the watchdog: no line waiting for its answer, or a group answered within
    /// `interval`. A stuck commit and a stuck completer both stop the answers.
    public func isHealthy(within interval: Duration) -> Bool {
        state.withLockedValue { $0.outstanding == 0 } || ContinuousClock.now - lastAnswered.withLockedValue({ $0 }) < interval
    }

    /// Queues a decoded line; `promise` completes after its transaction commits.
    func submit(_ line: IntakeLine, promise: EventLoopPromise<CommitOutcome>) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            s.queue.append(Pending(line: line, promise: promise))
            s.outstanding += 1
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// What a commit produced, for the completer.
    struct Committed: Sendable {
        var batch: [Pending]
        var outcomes: [CommitOutcome]
        var events: [IntakeEvent]
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            // Answering a group's lines and telling the engine of it overlap the next group's
            // commit: the store's writer is the one serial step, so nothing else waits in it.
            // One completer keeps the groups in commit order. The handoff holds at most the
            // lines in flight (`maximumInFlight` per connection: a line counts until its answer
            // is handed to its connection), and it ignores cancellation: every group committed
            // is answered before `run` returns.
            let committed = Handoff<Committed>()
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while let c = await committed.next() {
                        Self.complete(c.batch, c.outcomes)
                        self.lastAnswered.withLockedValue { $0 = .now }
                        self.state.withLockedValue { $0.outstanding -= c.batch.count }
                        self.onCommit(c.events)
                    }
                }
                while let batch = await nextBatch() {
                    let result = await store.commitWithEvents(batch.map(\.line), acceptedAt: clock(), model: model.value.screening)
                    committed.put(Committed(batch: batch, outcomes: result.outcomes, events: result.events))
                }
                committed.finish()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Completes each line's promise on its connection's event loop, one task per loop: a
    /// promise completed from this thread would post a task and wake its loop once per line,
    /// thousands of times for one commit.
    static func complete(_ batch: [Pending], _ outcomes: [CommitOutcome]) {
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, items: [(EventLoopPromise<CommitOutcome>, CommitOutcome)])] = [:]
        for (p, o) in zip(batch, outcomes) {
            let loop = p.promise.futureResult.eventLoop
            byLoop[ObjectIdentifier(loop), default: (loop, [])].items.append((p.promise, o))
        }
        for (_, group) in byLoop {
            let items = group.items
            group.loop.execute {
                for (promise, outcome) in items { promise.succeed(outcome) }
            }
        }
    }

    /// Stops once the queue is empty. The intake has closed by then (services shut down in
    /// reverse order), so nothing read is left unanswered.
    private func stop() {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            s.stopping = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// The next group of lines, or nil when stopping with nothing queued.
    private func nextBatch() async -> [Pending]? {
        while true {
            enum Step { case batch([Pending]), done, wait }
            let step = state.withLockedValue { s -> Step in
                if !s.queue.isEmpty {
                    let n = min(s.queue.count, configuration.maximumBatch)
                    let batch = Array(s.queue.prefix(n))
                    s.queue.removeFirst(n)
                    return .batch(batch)
                }
                return s.stopping || Task.isCancelled ? .done : .wait
            }
            switch step {
            case .batch(let b): return b
            case .done: return nil
            case .wait:
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                        let resumeNow = state.withLockedValue { s -> Bool in
                            if !s.queue.isEmpty || s.stopping { return true }
                            s.waiter = c
                            return false
                        }
                        if resumeNow { c.resume() }
                    }
                } onCancel: {
                    self.stop()
                }
            }
        }
    }
}
