/// A case waiting for the process engine: its research requests to send, or its decision to
/// make. Items are taken Red, Amber, Green, Blue, then earliest deadline first, then in
/// acceptance order, so a Red case never waits behind Green work.
public struct WorkItem: Sendable, Hashable, Comparable {
    public enum Step: String, Sendable, Hashable {
        /// Newly accepted: urgent products and research requests, or an immediate decision.
        case start
        /// Research complete or its deadline passed: decide.
        case decide
        /// Decided, products not yet all in outboxes: dispatch them (after a restart).
        case dispatch
    }

    public var sequence: Int64
    public var step: Step
    /// The case's priority: its RAG; nil (an open case) is taken with Red, as the forward to
    /// the allocated team is immediate.
    public var rag: RAG?
    /// The research deadline, or acceptance time for a case without one.
    public var due: Timestamp

    public init(sequence: Int64, step: Step, rag: RAG?, due: Timestamp) {
        self.sequence = sequence
        self.step = step
        self.rag = rag
        self.due = due
    }

    public var priority: Int { rag?.priority ?? RAG.red.priority }

    /// Red work only, for the lane that never waits behind other work.
    public var isUrgent: Bool { priority == RAG.red.priority }

    public static func < (a: WorkItem, b: WorkItem) -> Bool {
        if a.priority != b.priority { return a.priority < b.priority }
        if a.due.epochMicroseconds != b.due.epochMicroseconds { return a.due.epochMicroseconds < b.due.epochMicroseconds }
        return a.sequence < b.sequence
    }

    public static func == (a: WorkItem, b: WorkItem) -> Bool {
        a.sequence == b.sequence && a.step == b.step && a.rag == b.rag && a.due.epochMicroseconds == b.due.epochMicroseconds
    }

    public func hash(into h: inout Hasher) {
        h.combine(sequence)
        h.combine(step)
    }
}

/// A case's stage in the store.
public enum CaseStage: String, Sendable, Hashable, Codable {
    /// Accepted and screened; nothing sent yet.
    case new
    /// Research requests sent; waiting for answers or the deadline.
    case researching
    /// Decided; its products are in the outboxes once `dispatched` is set.
    case decided
}
