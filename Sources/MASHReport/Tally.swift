/// The screening RAG of a case as the report groups it: the four colours and `none`, an open
/// case forwarded to its allocated team (no RAG).
enum RAGKey: Int, CaseIterable, Sendable {
    case red, amber, green, blue, none

    var name: String { ["red", "amber", "green", "blue", "none"][rawValue] }

    init(_ text: String?) {
        switch text {
        case "red": self = .red
        case "amber": self = .amber
        case "green": self = .green
        case "blue": self = .blue
        default: self = .none
        }
    }
}

/// The two streams, in report order.
enum StreamKey: Int, CaseIterable, Sendable {
    case police, localAuthority

    var name: String { self == .police ? "police" : "local-authority" }
    var label: String { self == .police ? "police" : "local authority" }
}

/// Small strings (agencies, outcomes) numbered in order of first sight.
struct Interner {
    private(set) var names: [String] = []
    private var index: [String: Int] = [:]

    init(_ seed: [String] = []) { for s in seed { _ = id(s) } }

    mutating func id(_ s: String) -> Int {
        if let i = index[s] { return i }
        names.append(s)
        index[s] = names.count - 1
        return names.count - 1
    }
}

/// Timeliness of the cases of one screening RAG.
struct TimeTally {
    /// Decided, with a deadline.
    var decided = 0
    var onTime = 0
    /// Milliseconds from acceptance to decision, one per decided case with a deadline.
    var durations: [Int64] = []
    /// Decided with no deadline: Blue and open cases, decided at screening.
    var atScreening = 0
    var pending = 0
    var overdue = 0

    mutating func add(_ o: TimeTally) {
        decided += o.decided
        onTime += o.onTime
        durations += o.durations
        atScreening += o.atScreening
        pending += o.pending
        overdue += o.overdue
    }
}

/// Research for one agency.
struct AgencyTally {
    var requests = 0
    var onTime = 0
    var late = 0
    /// Requested, never answered, and the case is decided.
    var unanswered = 0
    /// Answers the case never asked this agency for: kept, neither on time nor late.
    var unrequested = 0

    /// Whether the agency was asked or answered at all: only those are shown.
    var isActive: Bool { requests + onTime + late + unrequested > 0 }

    mutating func add(_ o: AgencyTally) {
        requests += o.requests
        onTime += o.onTime
        late += o.late
        unanswered += o.unanswered
        unrequested += o.unrequested
    }
}

/// Every additive figure of one cell: one period (or the whole range), one borough, one
/// stream. Larger groupings are sums of cells; percentiles are taken over the merged durations.
struct Tally {
    var notifications = 0
    var rag = [Int](repeating: 0, count: 5)
    var immediateRisk = 0
    var time = [TimeTally](repeating: TimeTally(), count: 5)
    var decided = 0
    /// By outcome id (the report's outcome interner).
    var outcomes: [Int] = []
    var policeDecided = 0
    var policeNFA = 0
    var repeatChildren = 0
    var repeatNotifications = 0
    /// By agency id.
    var research: [AgencyTally] = []
    var escalations = 0
    var escalationsUnanswered = 0
    var escalationsLate = 0
    /// Escalations naming each agency as unanswered, by agency id.
    var escalatedAgencies: [Int] = []
    /// Screening level against final level: index 0 lowered, 1 unchanged, 2...4 raised by 1...3.
    var rerate = [Int](repeating: 0, count: 5)
    /// Screening RAG (red, amber, green, blue) to final RAG, 4 x 4, row-major.
    var transitions = [Int](repeating: 0, count: 16)

    mutating func outcome(_ id: Int, _ n: Int = 1) {
        if outcomes.count <= id { outcomes += [Int](repeating: 0, count: id + 1 - outcomes.count) }
        outcomes[id] += n
    }

    mutating func agency(_ id: Int, _ body: (inout AgencyTally) -> Void) {
        if research.count <= id { research += [AgencyTally](repeating: AgencyTally(), count: id + 1 - research.count) }
        body(&research[id])
    }

    mutating func escalated(agency id: Int, _ n: Int = 1) {
        if escalatedAgencies.count <= id { escalatedAgencies += [Int](repeating: 0, count: id + 1 - escalatedAgencies.count) }
        escalatedAgencies[id] += n
    }
}

extension Tally {
    /// The sum of cells, for a view of the report (all, a stream, a borough).
    static func sum(_ tallies: [Tally]) -> Tally {
        var t = Tally()
        for o in tallies { t.add(o) }
        return t
    }

    mutating func add(_ o: Tally) {
        notifications += o.notifications
        for i in 0..<5 {
            rag[i] += o.rag[i]
            time[i].add(o.time[i])
            rerate[i] += o.rerate[i]
        }
        immediateRisk += o.immediateRisk
        decided += o.decided
        for (i, n) in o.outcomes.enumerated() { outcome(i, n) }
        policeDecided += o.policeDecided
        policeNFA += o.policeNFA
        repeatChildren += o.repeatChildren
        repeatNotifications += o.repeatNotifications
        for (i, a) in o.research.enumerated() { agency(i) { $0.add(a) } }
        escalations += o.escalations
        escalationsUnanswered += o.escalationsUnanswered
        escalationsLate += o.escalationsLate
        for (i, n) in o.escalatedAgencies.enumerated() { escalated(agency: i, n) }
        for i in 0..<16 { transitions[i] += o.transitions[i] }
    }
}
