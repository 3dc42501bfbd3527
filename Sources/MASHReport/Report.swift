import MASHCore

/// The evaluation report (MASH.md, "What gets measured"): figures for the whole range and per
/// period, each for all cases, per stream and per borough (and per borough and stream). Only
/// counts and aggregates: no case ids, no names, no identifiers.
public struct Report: Sendable {
    public let request: ReportRequest
    /// Agencies in display order: the standard list, then any other seen, alphabetically.
    let agencies: [String]
    let outcomes: [String]
    public let range: Section
    public let periods: [Section]
    /// Notifications per UTC day of the range: (day, police, local authority).
    let perDay: [(day: FullDate, police: Int, localAuthority: Int)]
    /// Per screening RAG (red, amber, green, blue, none): the timescale seen, in ms (min, max).
    let timescales: [(min: Int64, max: Int64)?]

    /// The outcomes of the standard model, always reported (zero when none).
    public static let standardOutcomes = [
        "strategy-discussion", "csc-assessment", "early-help", "nfa-signpost", "forward-to-allocated-team",
    ]

    /// One period (or the whole range).
    public struct Section: Sendable {
        public let start: FullDate
        public let end: FullDate
        let all: Figures
        let streams: [Figures]
        let boroughs: [BoroughSection]
        let deploymentEscalations: Int
    }

    struct BoroughSection: Sendable {
        let gss: String
        let name: String
        let all: Figures
        let streams: [Figures]
    }

    init(aggregator a: Aggregator) {
        request = a.request
        // Display orders: agencies as the standard lists them, then others; outcomes likewise.
        let standard = Agency.standard.map(\.name)
        let others = a.agencies.names.filter { !standard.contains($0) }.sorted()
        let agencyOrder = standard + others
        let agencyIds = agencyOrder.map { name in a.agencies.names.firstIndex(of: name)! }
        let outcomeOrder = Self.standardOutcomes + a.outcomes.names.filter { !Self.standardOutcomes.contains($0) }.sorted()
        let outcomeIds = outcomeOrder.map { name in a.outcomes.names.firstIndex(of: name)! }
        outcomes = outcomeOrder

        // Boroughs with any figure in the range, in GSS order.
        let boroughIds = a.boroughs.names.indices.sorted { a.boroughs.names[$0] < a.boroughs.names[$1] }
        let names = Dictionary(uniqueKeysWithValues: LocalAuthority.all.map { ($0.gss, $0.name) })

        // Agencies shown: the standard ones with any request, answer or escalation, and others.
        var used = Set<Int>()
        for t in a.tallies {
            for (i, r) in t.research.enumerated() where r.isActive { used.insert(i) }
            for (i, n) in t.escalatedAgencies.enumerated() where n > 0 { used.insert(i) }
        }
        let shown = zip(agencyOrder, agencyIds).filter { used.contains($0.1) }
        agencies = shown.map(\.0)
        let shownIds = shown.map(\.1)

        func section(_ scope: Int32, _ start: FullDate, _ end: FullDate, _ deployment: Int) -> Section {
            func tally(_ b: Int, _ s: StreamKey) -> Tally {
                a.tally(scope, b, s) ?? Tally()
            }
            var boroughs: [BoroughSection] = []
            var byStream: [[Tally]] = [[], []]
            var all: [Tally] = []
            for b in boroughIds {
                let ts = StreamKey.allCases.map { tally(b, $0) }
                for s in StreamKey.allCases { byStream[s.rawValue].append(ts[s.rawValue]) }
                all += ts
                let gss = a.boroughs.names[b]
                boroughs.append(
                    BoroughSection(
                        gss: gss, name: names[gss] ?? "", all: Figures(Tally.sum(ts), agencyIds: shownIds, outcomeIds: outcomeIds),
                        streams: ts.map { Figures($0, agencyIds: shownIds, outcomeIds: outcomeIds) }))
            }
            return Section(
                start: start, end: end, all: Figures(Tally.sum(all), agencyIds: shownIds, outcomeIds: outcomeIds),
                streams: byStream.map { Figures(Tally.sum($0), agencyIds: shownIds, outcomeIds: outcomeIds) },
                boroughs: boroughs, deploymentEscalations: deployment)
        }
        range = section(a.rangeScope, request.from, request.to, a.deploymentEscalations[a.buckets.count])
        periods = a.buckets.enumerated().map { i, b in section(Int32(i), b.start, b.end, a.deploymentEscalations[i]) }
        perDay = a.perDay.enumerated().map { i, n in
            (FullDate.fromDaysSinceEpoch(a.firstDay + i), n[0], n[1])
        }
        timescales = a.timescales
    }
}

/// Timeliness of one screening RAG (or of all), with its percentiles taken.
struct TimeFigures: Sendable {
    var decided: Int
    var onTime: Int
    var atScreening: Int
    var pending: Int
    var overdue: Int
    /// Hundredths of an hour, rounded half up; nil when nothing was decided against a deadline.
    var medianHundredths: Int64?
    var p95Hundredths: Int64?

    init(_ t: TimeTally) {
        decided = t.decided
        onTime = t.onTime
        atScreening = t.atScreening
        pending = t.pending
        overdue = t.overdue
        let v = t.durations.sorted()
        if v.isEmpty {
            medianHundredths = nil
            p95Hundredths = nil
        } else {
            let n = v.count
            // The median: the middle value, or the mean of the two middle values.
            let (sum, div): (Int64, Int64) = n % 2 == 1 ? (v[n / 2], 1) : (v[n / 2 - 1] + v[n / 2], 2)
            medianHundredths = Self.hundredths(sum, div)
            // The 95th percentile by nearest rank: the value at rank ceil(0.95 n).
            p95Hundredths = Self.hundredths(v[(95 * n + 99) / 100 - 1], 1)
        }
    }

    /// ms / div in hundredths of an hour (36,000 ms), rounded half up.
    static func hundredths(_ ms: Int64, _ div: Int64) -> Int64 {
        (2 * ms + div * 36_000) / (2 * div * 36_000)
    }

    /// Percent on time, in tenths, rounded half up; nil when none decided.
    var onTimeTenths: Int? { Figures.tenths(onTime, of: decided) }
}

/// The figures of one view: all cases of a period, a stream, a borough.
struct Figures: Sendable {
    var notifications: Int
    /// red, amber, green, blue, none.
    var rag: [Int]
    var immediateRisk: Int
    /// red, amber, green, blue, none, then all.
    var time: [TimeFigures]
    var decided: Int
    /// In the report's outcome order.
    var outcomes: [Int]
    var policeDecided: Int
    var policeNFA: Int
    var repeatChildren: Int
    var repeatNotifications: Int
    /// In the report's agency order.
    var research: [AgencyTally]
    var escalations: Int
    var escalationsUnanswered: Int
    var escalationsLate: Int
    var escalatedAgencies: [Int]
    /// lowered, unchanged, raised by 1, 2, 3.
    var rerate: [Int]
    var transitions: [Int]

    init(_ t: Tally, agencyIds: [Int], outcomeIds: [Int]) {
        notifications = t.notifications
        rag = t.rag
        immediateRisk = t.immediateRisk
        var all = TimeTally()
        for x in t.time { all.add(x) }
        time = t.time.map(TimeFigures.init) + [TimeFigures(all)]
        decided = t.decided
        outcomes = outcomeIds.map { $0 < t.outcomes.count ? t.outcomes[$0] : 0 }
        policeDecided = t.policeDecided
        policeNFA = t.policeNFA
        repeatChildren = t.repeatChildren
        repeatNotifications = t.repeatNotifications
        research = agencyIds.map { $0 < t.research.count ? t.research[$0] : AgencyTally() }
        escalations = t.escalations
        escalationsUnanswered = t.escalationsUnanswered
        escalationsLate = t.escalationsLate
        escalatedAgencies = agencyIds.map { $0 < t.escalatedAgencies.count ? t.escalatedAgencies[$0] : 0 }
        rerate = t.rerate
        transitions = t.transitions
    }

    var allTime: TimeFigures { time[5] }
    var raised: Int { rerate[2] + rerate[3] + rerate[4] }
    /// Percent of decided police notifications ending nfa-signpost, in tenths.
    var policeNFATenths: Int? { Self.tenths(policeNFA, of: policeDecided) }

    var researchTotal: AgencyTally {
        var s = AgencyTally()
        for r in research { s.add(r) }
        return s
    }

    static func tenths(_ part: Int, of whole: Int) -> Int? {
        whole == 0 ? nil : (2 * 1000 * part + whole) / (2 * whole)
    }
}

/// Number formats shared by every output.
enum Num {
    /// 667 -> "66.7".
    static func tenths(_ v: Int?) -> String {
        guard let v else { return "" }
        return "\(v / 10).\(v % 10)"
    }

    /// 350 -> "3.50".
    static func hundredths(_ v: Int64?) -> String {
        guard let v else { return "" }
        let f = v % 100
        return "\(v / 100).\(f < 10 ? "0" : "")\(f)"
    }

    /// A timescale as a person writes it, exactly: "4 h", "90 min", "5 s", "3601 s"; a
    /// timescale that is not whole seconds in ms ("1500 ms").
    static func duration(_ ms: Int64) -> String {
        if ms % 3_600_000 == 0 { return "\(ms / 3_600_000) h" }
        if ms % 60_000 == 0 { return "\(ms / 60_000) min" }
        if ms % 1000 == 0 { return "\(ms / 1000) s" }
        return "\(ms) ms"
    }

    /// A timescale in ms as hours: "4", "1.5".
    static func hours(_ ms: Int64) -> String {
        let h = hundredths(TimeFigures.hundredths(ms, 1))
        var s = h
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
