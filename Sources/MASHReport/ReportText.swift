extension Report {
    /// The report as readable text tables.
    public func text() -> String {
        var out: [String] = []
        out.append("MASH evaluation report: \(request.from) to \(request.to), per \(request.period.rawValue)")
        out.append("Cases accepted on these UTC days; pending and overdue as of \(request.asOf.rfc3339UTC).")
        out.append("")
        let a = range.all

        out.append("VOLUMES (notifications, by screening RAG; open case = forwarded to the allocated team, no RAG)")
        out += Self.table(volumeRows { _, s in "  \(s.label)" })
        out.append("")

        out.append("TIMELINESS (intake to decision, against the screening RAG's deadline)")
        out += Self.table(timelinessRows())
        out.append("")

        out.append("OUTCOMES (decided cases)")
        out += Self.table(outcomeRows())
        out.append("Share of decided police notifications ending nfa-signpost: \(Num.tenths(a.policeNFATenths).isEmpty ? "none decided" : Num.tenths(a.policeNFATenths) + "%")")
        out.append("")

        out.append("REPEAT NOTIFICATIONS (children named in 3 or more cases within 365 days, a window ending in the range)")
        out.append("children: \(a.repeatChildren); notifications about them (365 days before the range to its end): \(a.repeatNotifications)")
        out.append("")

        out.append("RESEARCH PER AGENCY")
        out += Self.table(researchRows())
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
        out += Self.table(transitionRows())
        out.append("")

        out.append("PER \(request.period.rawValue.uppercased())")
        out += Self.table(periodRows(compact: true))
        return out.joined(separator: "\n") + "\n"
    }

    func timescaleText(_ r: RAGKey) -> String {
        guard let t = timescales[r.rawValue] else { return r == .blue || r == .none ? "none" : "no cases" }
        return t.min == t.max ? Num.duration(t.min) : "\(Num.duration(t.min)) to \(Num.duration(t.max))"
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
