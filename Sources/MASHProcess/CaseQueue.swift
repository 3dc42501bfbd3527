import HeapModule
import MASHCore
import NIOConcurrencyHelpers

/// The concurrent priority queue of cases waiting for the process engine: Red, Amber, Green,
/// Blue, then earliest deadline first. A case is queued or in progress at most once: work for a
/// case that is in progress waits until that work is done, so no two workers ever handle the
/// same case at once, and a product is never built twice concurrently.
final class CaseQueue: Sendable {
    private struct Waiter {
        var urgentOnly: Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var heap = Heap<WorkItem>()
        var queued = Set<Int64>()
        var inProgress = Set<Int64>()
        /// Work that arrived for a case in progress, queued when that finishes.
        var deferred: [Int64: WorkItem] = [:]
        var waiters: [Waiter] = []
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())

    /// Counts per RAG of queued cases, for status lines.
    var depth: [RAG?: Int] {
        state.withLockedValue { s in
            var d: [RAG?: Int] = [:]
            for item in s.heap.unordered { d[item.rag, default: 0] += 1 }
            return d
        }
    }

    var count: Int { state.withLockedValue { $0.heap.count } }

    var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// The next item is urgent (Red, or an open case).
    var nextIsUrgent: Bool { state.withLockedValue { $0.heap.min?.isUrgent ?? false } }

    /// Nothing queued and nothing in progress.
    var isIdle: Bool { state.withLockedValue { $0.heap.isEmpty && $0.inProgress.isEmpty } }

    func push(_ items: [WorkItem]) {
        guard !items.isEmpty else { return }
        let wake = state.withLockedValue { s -> [Waiter] in
            for item in items {
                if s.inProgress.contains(item.sequence) {
                    // Keep the later step: a decision supersedes a start.
                    if let d = s.deferred[item.sequence], d.step == .decide { continue }
                    s.deferred[item.sequence] = item
                } else if s.queued.insert(item.sequence).inserted {
                    s.heap.insert(item)
                }
            }
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in wake { w.continuation.resume() }
    }

    /// Takes up to `limit` items in priority order, all of the first item's RAG, waiting while
    /// there are none (or, for the urgent lane, none that is Red). A batch never mixes Red with
    /// other work, so a Red case is never delayed by the Green cases of its own batch. Nil once
    /// stopped.
    func take(limit: Int, urgentOnly: Bool) async -> [WorkItem]? {
        while true {
            enum Step { case items([WorkItem]), stop, wait }
            let step = state.withLockedValue { s -> Step in
                if s.stopped { return .stop }
                var out: [WorkItem] = []
                while out.count < limit, let top = s.heap.min, !urgentOnly || top.isUrgent,
                    out.first.map({ $0.priority == top.priority }) ?? true
                {
                    s.heap.removeMin()
                    s.queued.remove(top.sequence)
                    s.inProgress.insert(top.sequence)
                    out.append(top)
                }
                return out.isEmpty ? .wait : .items(out)
            }
            switch step {
            case .items(let items): return items
            case .stop: return nil
            case .wait:
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = state.withLockedValue { s -> Bool in
                        if s.stopped { return true }
                        if let top = s.heap.min, !urgentOnly || top.isUrgent { return true }
                        s.waiters.append(Waiter(urgentOnly: urgentOnly, continuation: c))
                        return false
                    }
                    if now { c.resume() }
                }
            }
        }
    }

    /// Marks work on these cases finished and queues whatever arrived for them meanwhile.
    func done(_ sequences: [Int64]) {
        var again: [WorkItem] = []
        state.withLockedValue { s in
            for seq in sequences {
                s.inProgress.remove(seq)
                if let d = s.deferred.removeValue(forKey: seq) { again.append(d) }
            }
        }
        push(again)
    }

    func stop() {
        let wake = state.withLockedValue { s -> [Waiter] in
            s.stopped = true
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in wake { w.continuation.resume() }
    }
}
