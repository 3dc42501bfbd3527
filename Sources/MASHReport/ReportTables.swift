/// The report's tables as rows of cells, built once for the text and the HTML renderings so
/// that both always show the same figures under the same headings; each renderer only lays
/// the rows out (padded columns, or `<table>`).
extension Report {
    /// Notifications by screening RAG: all, each stream, then each borough and its streams.
    /// `boroughStream` labels a stream's row under its borough.
    func volumeRows(boroughStream: (BoroughSection, StreamKey) -> String) -> [[String]] {
        func row(_ label: String, _ f: Figures) -> [String] {
            [label, String(f.notifications)] + f.rag.map(String.init) + [String(f.immediateRisk)]
        }
        var rows = [["", "total", "red", "amber", "green", "blue", "open case", "immediate risk"], row("all", range.all)]
        for s in StreamKey.allCases { rows.append(row(s.label, range.streams[s.rawValue])) }
        for b in range.boroughs {
            rows.append(row("\(b.name) (\(b.gss))", b.all))
            for s in StreamKey.allCases { rows.append(row(boroughStream(b, s), b.streams[s.rawValue])) }
        }
        return rows
    }

    /// Intake to decision against each screening RAG's deadline, then all.
    func timelinessRows() -> [[String]] {
        func row(_ label: String, _ timescale: String, _ t: TimeFigures) -> [String] {
            [
                label, timescale, String(t.decided), String(t.onTime), Num.tenths(t.onTimeTenths), Num.hundredths(t.medianHundredths),
                Num.hundredths(t.p95Hundredths), String(t.atScreening), String(t.pending), String(t.overdue),
            ]
        }
        var rows = [["RAG", "timescale", "decided", "on time", "on time %", "median h", "p95 h", "decided at screening", "pending", "overdue"]]
        for r in RAGKey.allCases { rows.append(row(r == .none ? "open case" : r.name, timescaleText(r), range.all.time[r.rawValue])) }
        rows.append(row("all", "", range.all.allTime))
        return rows
    }

    /// Decided cases by outcome, per stream and all, with the police nfa-signpost share.
    func outcomeRows() -> [[String]] {
        var rows = [[""] + outcomes + ["decided", "nfa-signpost %"]]
        for s in StreamKey.allCases {
            let f = range.streams[s.rawValue]
            rows.append([s.label] + f.outcomes.map(String.init) + [String(f.decided), s == .police ? Num.tenths(f.policeNFATenths) : ""])
        }
        rows.append(["all"] + range.all.outcomes.map(String.init) + [String(range.all.decided), ""])
        return rows
    }

    /// Research requests and answers per agency that had any, then all.
    func researchRows() -> [[String]] {
        func row(_ name: String, _ r: AgencyTally) -> [String] {
            [name, String(r.requests), String(r.onTime), String(r.late), String(r.unanswered), String(r.unrequested)]
        }
        var rows = [["agency", "requests", "answers on time", "answers late", "unanswered (decided cases)", "answers unrequested"]]
        for (i, name) in agencies.enumerated() {
            let r = range.all.research[i]
            if r.isActive { rows.append(row(name, r)) }
        }
        rows.append(row("all", range.all.researchTotal))
        return rows
    }

    /// Screening RAG (rows) against the final RAG (columns).
    func transitionRows() -> [[String]] {
        let a = range.all
        return [["screening \\ final", "red", "amber", "green", "blue"]]
            + (0..<4).map { from in [RAGKey(rawValue: from)!.name] + (0..<4).map { String(a.transitions[from * 4 + $0]) } }
    }

    /// One row per period. `compact` shortens the headings and the date range, for text.
    func periodRows(compact: Bool) -> [[String]] {
        var rows = [[
            "period", "total", "police", compact ? "LA" : "local authority", "red", "amber", "green", "blue",
            compact ? "open" : "open case", "decided", "on time %", "median h", "p95 h", "police nfa %", "repeat children",
            "escalations", "raised",
        ]]
        for p in periods {
            let f = p.all
            rows.append(
                [
                    p.start == p.end ? p.start.description : "\(p.start)\(compact ? ".." : " to ")\(p.end)", String(f.notifications),
                    String(p.streams[0].notifications), String(p.streams[1].notifications),
                ] + f.rag.map(String.init) + [
                    String(f.decided), Num.tenths(f.allTime.onTimeTenths), Num.hundredths(f.allTime.medianHundredths),
                    Num.hundredths(f.allTime.p95Hundredths), Num.tenths(f.policeNFATenths), String(f.repeatChildren),
                    String(f.escalations + p.deploymentEscalations), String(f.raised),
                ])
        }
        return rows
    }
}
