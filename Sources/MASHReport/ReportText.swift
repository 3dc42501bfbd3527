extension Report {
    /// The report as readable text tables.
    public func text() -> String {
        var out: [String] = []
        out.append("MASH evaluation report: \(request.from) to \(request.to), per \(request.period.rawValue)")
        out.append("Cases accepted on these UTC days; pending and overdue as of \(request.asOf.rfc3339UTC).")
        out.append("")
        let a = range.all

        out.append("VOLUMES (notifications, by screening RAG; open case = forwarded to the allocated team, no RAG)")
        var rows: [[String]] = [["", "total", "red", "amber", "green", "blue", "open case", "immediate risk"]]
        func volumeRow(_ label: String, _ f: Figures) -> [String] { [label, String(f.notifications)] + f.rag.map(String.init) + [String(f.immediateRisk)] }
        rows.append(volumeRow("all", a))
        for s in StreamKey.allCases { rows.append(volumeRow(s.label, range.streams[s.rawValue])) }
        for b in range.boroughs {
            rows.append(volumeRow("\(b.name) (\(b.gss))", b.all))
            for s in StreamKey.allCases { rows.append(volumeRow("  \(s.label)", b.streams[s.rawValue])) }
        }
        out += Self.table(rows)
        out.append("")

        out.append("TIMELINESS (intake to decision, against the screening RAG's deadline)")
        rows = [["RAG", "timescale", "decided", "on time", "on time %", "median h", "p95 h", "at screening", "pending", "overdue"]]
        for r in RAGKey.allCases {
            let t = a.time[r.rawValue]
            rows.append([
                r == .none ? "open case" : r.name, timescaleText(r), String(t.decided), String(t.onTime), Num.tenths(t.onTimeTenths),
                Num.hundredths(t.medianHundredths), Num.hundredths(t.p95Hundredths), String(t.atScreening), String(t.pending),
                String(t.overdue),
            ])
        }
        let t = a.allTime
        rows.append([
            "all", "", String(t.decided), String(t.onTime), Num.tenths(t.onTimeTenths), Num.hundredths(t.medianHundredths),
            Num.hundredths(t.p95Hundredths), String(t.atScreening), String(t.pending), String(t.overdue),
        ])
        out += Self.table(rows)
        out.append("")

        out.append("OUTCOMES (decided cases)")
        rows = [[""] + outcomes + ["decided", "nfa-signpost %"]]
        for s in StreamKey.allCases {
            let f = range.streams[s.rawValue]
            rows.append([s.label] + f.outcomes.map(String.init) + [String(f.decided), s == .police ? Num.tenths(f.policeNFATenths) : ""])
        }
        rows.append(["all"] + a.outcomes.map(String.init) + [String(a.decided), ""])
        out += Self.table(rows)
        out.append("Share of decided police notifications ending nfa-signpost: \(Num.tenths(a.policeNFATenths).isEmpty ? "none decided" : Num.tenths(a.policeNFATenths) + "%")")
        out.append("")

        out.append("REPEAT NOTIFICATIONS (children named in 3 or more cases within 365 days, a window ending in the range)")
        out.append("children: \(a.repeatChildren); notifications about them (365 days before the range to its end): \(a.repeatNotifications)")
        out.append("")

        out.append("RESEARCH PER AGENCY")
        rows = [["agency", "requests", "answers on time", "answers late", "unanswered (decided cases)"]]
        for (i, name) in agencies.enumerated() {
            let r = a.research[i]
            if r.requests + r.onTime + r.late == 0 { continue }
            rows.append([name, String(r.requests), String(r.onTime), String(r.late), String(r.unanswered)])
        }
        let rt = a.researchTotal
        rows.append(["all", String(rt.requests), String(rt.onTime), String(rt.late), String(rt.unanswered)])
        out += Self.table(rows)
        out.append("")

        out.append("ESCALATIONS (notices to the MASH manager)")
        out.append("about cases: \(a.escalations) (agencies unanswered: \(a.escalationsUnanswered); decided late: \(a.escalationsLate))")
        let named = agencies.enumerated().filter { a.escalatedAgencies[$0.offset] > 0 }.map { "\($0.element) \(a.escalatedAgencies[$0.offset])" }
        if !named.isEmpty { out.append("unanswered agencies named: " + named.joined(separator: ", ")) }
        out.append("deployment (a local variation of the standard model): \(range.deploymentEscalations)")
        out.append("")

        out.append("RE-RATING (screening level to final level, decided cases with a level)")
        out.append(
            "compared: \(a.rerate.reduce(0, +)); unchanged: \(a.rerate[1]); raised: \(a.raised) (by 1: \(a.rerate[2]), by 2: \(a.rerate[3]), by 3: \(a.rerate[4])); lowered: \(a.rerate[0])"
        )
        rows = [["screening \\ final", "red", "amber", "green", "blue"]]
        for from in 0..<4 {
            rows.append([RAGKey(rawValue: from)!.name] + (0..<4).map { String(a.transitions[from * 4 + $0]) })
        }
        out += Self.table(rows)
        out.append("")

        out.append("PER \(request.period.rawValue.uppercased())")
        rows = [[
            "period", "total", "police", "LA", "red", "amber", "green", "blue", "open", "decided", "on time %", "median h", "p95 h",
            "police nfa %", "repeat children", "escalations", "raised",
        ]]
        for p in periods {
            let f = p.all
            rows.append(
                [
                    p.start == p.end ? p.start.description : "\(p.start)..\(p.end)", String(f.notifications),
                    String(p.streams[0].notifications), String(p.streams[1].notifications),
                ] + f.rag.map(String.init) + [
                    String(f.decided), Num.tenths(f.allTime.onTimeTenths), Num.hundredths(f.allTime.medianHundredths),
                    Num.hundredths(f.allTime.p95Hundredths), Num.tenths(f.policeNFATenths), String(f.repeatChildren),
                    String(f.escalations + p.deploymentEscalations), String(f.raised),
                ])
        }
        out += Self.table(rows)
        return out.joined(separator: "\n") + "\n"
    }

    func timescaleText(_ r: RAGKey) -> String {
        guard let t = timescales[r.rawValue] else { return r == .blue || r == .none ? "none" : "" }
        return t.min == t.max ? "\(Num.hours(t.min)) h" : "\(Num.hours(t.min))-\(Num.hours(t.max)) h"
    }

    /// Columns padded to their widest cell; the first left-aligned, the rest right-aligned.
    static func table(_ rows: [[String]]) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for r in rows { for (i, c) in r.enumerated() { widths[i] = max(widths[i], c.count) } }
        return rows.map { r in
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return i == 0 ? c + pad : pad + c
            }.joined(separator: "  ")
        }
    }
}
