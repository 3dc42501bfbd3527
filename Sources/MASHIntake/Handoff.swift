import DequeModule
import NIOConcurrencyHelpers

/// Hands values from one task to another, in order, without loss. Unlike an `AsyncStream`,
/// waiting for the next value ignores cancellation: a value put is always taken, so the
/// committer's completer answers every committed line even while the service group is being
/// cancelled. Unbounded: the producer bounds it (see `IntakeCommitter.run`).
final class Handoff<Element: Sendable>: Sendable {
    private struct State {
        var values = Deque<Element>()
        var finished = false
        var waiter: CheckedContinuation<Element?, Never>?
    }

    private enum Now { case value(Element), end, wait }

    private let state = NIOLockedValueBox(State())

    /// The consumer is waiting in `next`; for tests.
    var hasWaiter: Bool { state.withLockedValue { $0.waiter != nil } }

    /// Queues `value` for `next`.
    func put(_ value: Element) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Element?, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.values.append(value)
            return nil
        }
        waiter?.resume(returning: value)
    }

    /// No more values: `next` returns nil once the queued ones are taken.
    func finish() {
        let waiter = state.withLockedValue { s -> CheckedContinuation<Element?, Never>? in
            s.finished = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next value in order, waiting for one; nil after `finish` and the last value. One
    /// consumer only.
    func next() async -> Element? {
        await withCheckedContinuation { (c: CheckedContinuation<Element?, Never>) in
            let now = state.withLockedValue { s -> Now in
                if let v = s.values.popFirst() { return .value(v) }
                if s.finished { return .end }
                precondition(s.waiter == nil, "Handoff has one consumer")
                s.waiter = c
                return .wait
            }
            switch now {
            case .value(let v): c.resume(returning: v)
            case .end: c.resume(returning: nil)
            case .wait: break
            }
        }
    }
}
