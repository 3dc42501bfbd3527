import NIOConcurrencyHelpers

/// Orders the store's writes by priority. SQLite has one writer; GRDB queues writes first come,
/// first served, so a Red case's intake commit could wait behind a queue of Green bookkeeping.
/// The gate lets one write at a time reach GRDB and picks the next by priority: intake first,
/// then Red work, then the rest. A write waits at most for the one in progress.
final class WriteGate: Sendable {
    enum Priority: Int, Sendable, CaseIterable {
        case intake = 0
        case urgent = 1
        case background = 2
    }

    private struct State {
        var busy = false
        /// An intake write holds the gate.
        var intakeWriting = false
        var lastIntake = ContinuousClock.now - .seconds(3600)
        var waiters: [[CheckedContinuation<Void, Never>]] = Array(repeating: [], count: Priority.allCases.count)
    }

    private let state = NIOLockedValueBox(State())

    func run<T>(_ priority: Priority, _ body: () async throws -> T) async throws -> T {
        await acquire(priority)
        if priority == .intake { state.withLockedValue { $0.intakeWriting = true } }
        defer {
            if priority == .intake {
                state.withLockedValue {
                    $0.intakeWriting = false
                    $0.lastIntake = .now
                }
            }
            release()
        }
        return try await body()
    }

    /// Intake is writing, waiting to write, or wrote within `interval`: lines are arriving.
    func intakeActive(within interval: Duration) -> Bool {
        state.withLockedValue { s in
            s.intakeWriting || !s.waiters[Priority.intake.rawValue].isEmpty || ContinuousClock.now - s.lastIntake < interval
        }
    }

    private func acquire(_ priority: Priority) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { s -> Bool in
                if !s.busy {
                    s.busy = true
                    return true
                }
                s.waiters[priority.rawValue].append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    private func release() {
        let next = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
            for p in s.waiters.indices where !s.waiters[p].isEmpty {
                return s.waiters[p].removeFirst()  // stays busy: handed over
            }
            s.busy = false
            return nil
        }
        next?.resume()
    }
}
