import HeapModule
import MASHCore
import MASHStore
import NIOConcurrencyHelpers

/// Cases in research: who was asked, who has answered, and when the deadline falls. A case
/// leaves the watch when every asked agency has answered or its deadline passes; the watch is
/// rebuilt from the store at start, so a deadline that passed while mashd was down fires then.
final class ResearchWatch: Sendable {
    struct Entry {
        var rag: RAG?
        var deadline: Timestamp
        var asked: Set<Agency>
        var answered: Set<Agency>
        var complete: Bool { asked.isSubset(of: answered) }
    }

    struct Due: Comparable {
        var deadline: Int64
        var sequence: Int64
        static func < (a: Due, b: Due) -> Bool { (a.deadline, a.sequence) < (b.deadline, b.sequence) }
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        var deadlines = Heap<Due>()
    }

    private let state = NIOLockedValueBox(State())

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Starts watching a case; returns its decide item at once if it is already complete or due.
    func watch(_ sequence: Int64, _ entry: Entry, now: Timestamp) -> WorkItem? {
        if entry.complete || entry.deadline <= now {
            return WorkItem(sequence: sequence, step: .decide, rag: entry.rag, due: entry.deadline)
        }
        state.withLockedValue { s in
            s.entries[sequence] = entry
            s.deadlines.insert(Due(deadline: entry.deadline.epochMicroseconds, sequence: sequence))
        }
        return nil
    }

    /// Notes an answer; returns the decide item when it completes the research.
    func answered(_ sequence: Int64, by agency: Agency) -> WorkItem? {
        state.withLockedValue { s in
            guard var e = s.entries[sequence] else { return nil }
            e.answered.insert(agency)
            if e.complete {
                s.entries.removeValue(forKey: sequence)
                return WorkItem(sequence: sequence, step: .decide, rag: e.rag, due: e.deadline)
            }
            s.entries[sequence] = e
            return nil
        }
    }

    /// Removes and returns the decide items of every case whose deadline is at or before `now`.
    func due(at now: Timestamp) -> [WorkItem] {
        state.withLockedValue { s in
            var out: [WorkItem] = []
            while let top = s.deadlines.min, top.deadline <= now.epochMicroseconds {
                s.deadlines.removeMin()
                if let e = s.entries.removeValue(forKey: top.sequence) {
                    out.append(WorkItem(sequence: top.sequence, step: .decide, rag: e.rag, due: e.deadline))
                }
            }
            return out
        }
    }

    /// The oldest deadline still watched, for status lines.
    var nextDeadline: Timestamp? {
        state.withLockedValue { s in s.deadlines.min.map { Timestamp(epochMicroseconds: $0.deadline) } }
    }
}
