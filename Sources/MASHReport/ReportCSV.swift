import Foundation

extension Report {
    /// The CSV columns, in order (documented in `mashctl report --help`).
    public static let csvColumns = [
        "period_start", "period_end", "borough_gss", "borough_name", "stream",
        "notifications", "red", "amber", "green", "blue", "open_case", "immediate_risk",
        "decided", "decided_at_screening", "decided_with_deadline", "decided_on_time", "decided_on_time_pct",
        "median_hours_to_decision", "p95_hours_to_decision",
        "red_on_time_pct", "amber_on_time_pct", "green_on_time_pct",
        "pending", "overdue",
        "outcome_strategy_discussion", "outcome_csc_assessment", "outcome_early_help", "outcome_nfa_signpost",
        "outcome_forward_to_allocated_team", "police_nfa_share",
        "repeat_children", "repeat_notifications",
        "research_requests", "research_answers_on_time", "research_answers_late", "research_unanswered",
        "research_answers_unrequested",
        "escalations", "escalations_unanswered", "escalations_late",
        "rerated_up", "rerated_unchanged",
    ]

    /// One row per period, borough and stream, for the London quarterly MASH dataset return.
    /// Every borough with any figure in the range gets both streams in every period, zeros
    /// included, so the grid is the same from one period to the next.
    public func csv() -> String {
        var out = Self.csvColumns.joined(separator: ",") + "\r\n"
        for p in periods {
            for b in p.boroughs {
                for s in StreamKey.allCases {
                    let f = b.streams[s.rawValue]
                    let t = f.allTime
                    let research = f.researchTotal
                    let outcomeCounts = Self.standardOutcomes.map { name in outcomes.firstIndex(of: name).map { f.outcomes[$0] } ?? 0 }
                    var fields: [String] = [
                        p.start.description, p.end.description, b.gss, Self.csvField(b.name), s.name,
                        String(f.notifications),
                    ]
                    fields += f.rag.map(String.init)
                    fields += [
                        String(f.immediateRisk),
                        String(f.decided), String(t.atScreening), String(t.decided), String(t.onTime), Num.tenths(t.onTimeTenths),
                        Num.hundredths(t.medianHundredths), Num.hundredths(t.p95Hundredths),
                        Num.tenths(f.time[RAGKey.red.rawValue].onTimeTenths), Num.tenths(f.time[RAGKey.amber.rawValue].onTimeTenths),
                        Num.tenths(f.time[RAGKey.green.rawValue].onTimeTenths),
                        String(t.pending), String(t.overdue),
                    ]
                    fields += outcomeCounts.map(String.init)
                    fields += [
                        s == .police ? Num.tenths(f.policeNFATenths) : "",
                        String(f.repeatChildren), String(f.repeatNotifications),
                        String(research.requests), String(research.onTime), String(research.late), String(research.unanswered),
                        String(research.unrequested),
                        String(f.escalations), String(f.escalationsUnanswered), String(f.escalationsLate),
                        String(f.raised), String(f.rerate[1]),
                    ]
                    out += fields.joined(separator: ",") + "\r\n"
                }
            }
        }
        return out
    }

    /// RFC 4180 quoting, when needed.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
