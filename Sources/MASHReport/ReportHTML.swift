/// The report as one self-contained HTML file: inline style, inline SVG charts drawn here, no
/// script, no external reference; readable offline and printable.
extension Report {
    public func html() -> String {
        let a = range.all
        var h = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>MASH evaluation report \(request.from) to \(request.to)</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
            th,td{border:1px solid #ccc;padding:.2em .5em;text-align:right}
            th:first-child,td:first-child{text-align:left}
            th{background:#f2f2f2}
            svg{display:block;margin:.5em 0;max-width:100%;height:auto}
            svg text{font-family:inherit;font-size:11px;fill:#222}
            .note{color:#555;font-size:.9em}
            </style>
            </head>
            <body>
            <h1>MASH evaluation report</h1>
            <p>Cases accepted from <b>\(request.from)</b> to <b>\(request.to)</b> (UTC days, both included), figures per \(request.period.rawValue). Pending and overdue cases as of \(request.asOf.rfc3339UTC). Counts only: no case ids and no personal data.</p>

            """
        h += "<h2>Volumes</h2>\n"
        h += "<p>\(a.notifications) notifications: police \(range.streams[0].notifications), local authority \(range.streams[1].notifications).</p>\n"
        h += Self.section("Notifications per day by stream", volumesChart())
        h += Self.section("Screening RAG mix", ragChart(a))
        h += Self.table(volumeRows { b, s in "\(b.name): \(s.label)" })

        h += "<h2>Timeliness</h2>\n<p class=\"note\">Hours from intake to decision against the deadline the screening RAG set. Blue and open cases are decided at screening and have no deadline.</p>\n"
        h += Self.section("Median and 95th percentile hours to decision, against each timescale", timelinessChart(a))
        h += Self.table(timelinessRows())

        h += "<h2>Outcomes</h2>\n"
        h += Self.section("Outcomes by stream", outcomesChart())
        h += Self.table(outcomeRows())

        h += "<h2>Repeat notifications</h2>\n"
        h += "<p>\(a.repeatChildren) children named in 3 or more cases within 365 days (a window ending in the range); \(a.repeatNotifications) notifications about them from 365 days before the range to its end.</p>\n"

        h += "<h2>Research per agency</h2>\n"
        h += Self.section("Research answers per agency: on time, late, and requests unanswered", researchChart(a))
        h += Self.table(researchRows())

        h += "<h2>Escalations</h2>\n"
        var rows = [["reason", "count"], ["about cases, all", String(a.escalations)], ["agencies unanswered", String(a.escalationsUnanswered)],
                ["decided late", String(a.escalationsLate)]]
        for (i, name) in agencies.enumerated() where a.escalatedAgencies[i] > 0 { rows.append(["unanswered: \(name)", String(a.escalatedAgencies[i])]) }
        rows.append(["deployment (local variation)", String(range.deploymentEscalations)])
        h += Self.table(rows)

        h += "<h2>Re-rating between screening and decision</h2>\n"
        h += "<p>Compared \(a.rerate.reduce(0, +)): unchanged \(a.rerate[1]), raised \(a.raised) (by 1: \(a.rerate[2]), by 2: \(a.rerate[3]), by 3: \(a.rerate[4])), lowered \(a.rerate[0]).</p>\n"
        h += Self.table(transitionRows())

        h += "<h2>Per \(request.period.rawValue)</h2>\n"
        h += Self.table(periodRows(compact: false))
        h += "</body>\n</html>\n"
        return h
    }

    // MARK: charts

    static let ragColours = ["#c0392b", "#e69f00", "#2e8b57", "#1f77b4", "#8c8c8c"]
    static let streamColours = ["#1f4e79", "#d98c1f"]
    static let palette = ["#c0392b", "#e67e22", "#2e8b57", "#7f8c8d", "#1f77b4", "#8e44ad", "#16a085", "#d35400"]

    static func section(_ title: String, _ svg: String) -> String {
        "<figure>\n<figcaption>\(esc(title))</figcaption>\n\(svg)</figure>\n"
    }

    /// Stacked columns, police below local authority, one per day.
    func volumesChart() -> String {
        let w = 760.0, hgt = 240.0, left = 44.0, right = 10.0, top = 24.0, bottom = 36.0
        let plotW = w - left - right, plotH = hgt - top - bottom
        let maxV = Self.niceCeiling(perDay.map { $0.police + $0.localAuthority }.max() ?? 0)
        var s = Self.svgOpen(w, hgt, label: "Notifications per day by stream")
        s += Self.yAxis(left: left, top: top, plotW: plotW, plotH: plotH, max: maxV)
        let slot = plotW / Double(max(perDay.count, 1))
        let bar = max(slot * 0.8, 0.5)
        let every = max(1, Int((Double(perDay.count) / 10).rounded(.up)))
        for (i, d) in perDay.enumerated() {
            let x = left + Double(i) * slot + (slot - bar) / 2
            let hp = plotH * Double(d.police) / Double(maxV)
            let hl = plotH * Double(d.localAuthority) / Double(maxV)
            let tip = "\(d.day): police \(d.police), local authority \(d.localAuthority)"
            s += "<g><title>\(Self.esc(tip))</title>"
            s += Self.rect(x, top + plotH - hp, bar, hp, Self.streamColours[0])
            s += Self.rect(x, top + plotH - hp - hl, bar, hl, Self.streamColours[1])
            s += "</g>\n"
            if i % every == 0 {
                s += Self.text(left + Double(i) * slot + slot / 2, top + plotH + 14, String(d.day.description.suffix(5)), anchor: "middle")
            }
        }
        s += Self.legend(x: left, y: 12, [("police", Self.streamColours[0]), ("local authority", Self.streamColours[1])])
        return s + "</svg>\n"
    }

    /// One bar split by screening RAG, with counts and shares (legend three to a line).
    func ragChart(_ f: Figures) -> String {
        let w = 760.0, hgt = 92.0, left = 10.0, barW = 740.0
        var s = Self.svgOpen(w, hgt, label: "Screening RAG mix")
        let total = max(f.notifications, 1)
        var x = left
        for r in RAGKey.allCases {
            let n = f.rag[r.rawValue]
            let name = r == .none ? "open case" : r.name
            let share = Num.tenths(Figures.tenths(n, of: f.notifications))
            let lx = left + Double(r.rawValue % 3) * 250, ly = 14 + 18 * Double(r.rawValue / 3)
            s += Self.rect(lx, ly - 9, 10, 10, Self.ragColours[r.rawValue])
                + Self.text(lx + 14, ly, "\(name) \(n) (\(share.isEmpty ? "0.0" : share)%)") + "\n"
            guard n > 0 else { continue }
            let bw = barW * Double(n) / Double(total)
            s += "<g><title>\(Self.esc("\(name): \(n)"))</title>" + Self.rect(x, 52, bw, 28, Self.ragColours[r.rawValue]) + "</g>\n"
            x += bw
        }
        if f.notifications == 0 { s += Self.text(left, 70, "no notifications") }
        return s + "</svg>\n"
    }

    /// Per RAG with a deadline, against its own timescale: median and 95th percentile bars as a
    /// percentage of the timescale, the timescale itself a dashed line at 100 %.
    func timelinessChart(_ f: Figures) -> String {
        let rags: [RAGKey] = [.red, .amber, .green]
        let w = 760.0, left = 70.0, right = 230.0, top = 34.0, rowH = 44.0
        let hgt = top + rowH * Double(rags.count) + 30
        let plotW = w - left - right
        // The scale: the largest p95 as a percentage of its timescale, at least 100 %.
        var maxPct = 100
        for r in rags {
            if let p95 = f.time[r.rawValue].p95Hundredths, let scale = timescales[r.rawValue], scale.max > 0 {
                maxPct = max(maxPct, Int((Double(p95 * 36_000) / Double(scale.max) * 100).rounded(.up)))
            }
        }
        let top100 = Self.niceCeiling(maxPct)
        var s = Self.svgOpen(w, hgt, label: "Hours to decision against each timescale")
        for k in 0...4 {
            let x = left + plotW * Double(k) / 4
            s += Self.line(x, top - 6, x, top + rowH * Double(rags.count), "#ddd")
            s += Self.text(x, top + rowH * Double(rags.count) + 14, "\(top100 * k / 4)%", anchor: "middle")
        }
        s += Self.text(left + plotW / 2, top + rowH * Double(rags.count) + 28, "of the RAG's timescale", anchor: "middle")
        let x100 = left + plotW * 100 / Double(top100)
        s += Self.line(x100, top - 6, x100, top + rowH * Double(rags.count) - 8, "#000", dash: true)
        for (i, r) in rags.enumerated() {
            let t = f.time[r.rawValue]
            let y = top + rowH * Double(i)
            s += Self.text(8, y + 14, r.name)
            s += Self.text(8, y + 28, timescaleText(r))
            if let p95 = t.p95Hundredths, let med = t.medianHundredths, let scale = timescales[r.rawValue], scale.max > 0 {
                func x(_ hundredths: Int64) -> Double { plotW * Double(hundredths * 36_000) / Double(scale.max) * 100 / Double(top100) }
                s += "<g><title>\(Self.esc("\(r.name): 95th percentile \(Num.hundredths(p95)) h"))</title>"
                    + Self.rect(left, y, x(p95), 14, Self.ragColours[r.rawValue], opacity: 0.45) + "</g>"
                s += "<g><title>\(Self.esc("\(r.name): median \(Num.hundredths(med)) h"))</title>"
                    + Self.rect(left, y + 16, x(med), 14, Self.ragColours[r.rawValue]) + "</g>\n"
            } else {
                s += Self.text(left + 4, y + 18, "none decided against a deadline")
            }
            let pct = Num.tenths(t.onTimeTenths)
            s += Self.text(w - right + 10, y + 12, pct.isEmpty ? "on time: none decided" : "on time \(pct)% (\(t.onTime) of \(t.decided))")
            if t.medianHundredths != nil {
                s += Self.text(w - right + 10, y + 27, "median \(Num.hundredths(t.medianHundredths)) h, p95 \(Num.hundredths(t.p95Hundredths)) h")
            }
        }
        s += Self.legend(x: left, y: 12, [("95th percentile (light)", "#c8c8c8"), ("median (dark)", "#555555")])
        s += Self.line(left + 330, 7, left + 330, 17, "#000", dash: true) + Self.text(left + 338, 12, "timescale (deadline)")
        return s + "</svg>\n"
    }

    /// One bar per stream, split by outcome.
    func outcomesChart() -> String {
        horizontalStacks(
            rows: StreamKey.allCases.map {
                let f = range.streams[$0.rawValue]
                return ($0.label, f.outcomes, "\(f.decided) decided")
            },
            series: outcomes.enumerated().map { ($0.element, Self.palette[$0.offset % Self.palette.count]) },
            label: "Outcomes by stream")
    }

    /// One bar per agency: answers on time, answers late, requests unanswered.
    func researchChart(_ f: Figures) -> String {
        let rows = agencies.enumerated().compactMap { i, name -> (String, [Int], String)? in
            let r = f.research[i]
            guard r.isActive else { return nil }
            let share = Num.tenths(Figures.tenths(r.onTime, of: r.onTime + r.late))
            return (name, [r.onTime, r.late, r.unanswered], "\(r.requests) asked" + (share.isEmpty ? "" : ", \(share)% of answers on time"))
        }
        return horizontalStacks(
            rows: rows, series: [("answered on time", "#2e8b57"), ("answered late", "#c0392b"), ("unanswered", "#bbbbbb")],
            label: "Research answers per agency")
    }

    /// One bar per row, split by series, with a note after it.
    func horizontalStacks(rows: [(String, [Int], String)], series: [(String, String)], label: String) -> String {
        let w = 760.0, left = 120.0, right = 210.0, top = 28.0 + 16.0 * Double((series.count + 3) / 4), rowH = 26.0
        let hgt = top + rowH * Double(max(rows.count, 1)) + 24
        let plotW = w - left - right
        let maxV = Self.niceCeiling(rows.map { $0.1.reduce(0, +) }.max() ?? 0)
        var s = Self.svgOpen(w, hgt, label: label)
        for k in 0...4 {
            let x = left + plotW * Double(k) / 4
            s += Self.line(x, top - 4, x, top + rowH * Double(rows.count), "#ddd")
            s += Self.text(x, top + rowH * Double(rows.count) + 14, String(maxV * k / 4), anchor: "middle")
        }
        for (i, row) in rows.enumerated() {
            let y = top + rowH * Double(i)
            s += Self.text(8, y + 14, row.0)
            var x = left
            for (j, n) in row.1.enumerated() where n > 0 {
                let bw = plotW * Double(n) / Double(maxV)
                s += "<g><title>\(Self.esc("\(row.0): \(series[j].0) \(n)"))</title>" + Self.rect(x, y, bw, 18, series[j].1) + "</g>"
                x += bw
            }
            s += Self.text(x + 6, y + 14, row.2) + "\n"
        }
        if rows.isEmpty { s += Self.text(left, top + 14, "none") }
        // Legend, four to a line.
        for (k, item) in series.enumerated() {
            let lx = 10 + Double(k % 4) * 185, ly = 12 + 16 * Double(k / 4)
            s += Self.rect(lx, ly - 9, 10, 10, item.1) + Self.text(lx + 14, ly, item.0)
        }
        return s + "</svg>\n"
    }

    // MARK: SVG and HTML pieces

    static func svgOpen(_ w: Double, _ h: Double, label: String) -> String {
        "<svg viewBox=\"0 0 \(n(w)) \(n(h))\" width=\"\(n(w))\" height=\"\(n(h))\" role=\"img\" aria-label=\"\(esc(label))\">\n"
    }

    static func yAxis(left: Double, top: Double, plotW: Double, plotH: Double, max: Int) -> String {
        var s = ""
        for k in 0...4 {
            let y = top + plotH - plotH * Double(k) / 4
            s += line(left, y, left + plotW, y, "#ddd")
            s += text(left - 4, y + 4, String(max * k / 4), anchor: "end")
        }
        return s
    }

    static func legend(x: Double, y: Double, _ items: [(String, String)]) -> String {
        var s = ""
        var lx = x
        for (name, colour) in items {
            s += rect(lx, y - 9, 10, 10, colour) + text(lx + 14, y, name)
            lx += 26 + Double(name.count) * 7
        }
        return s + "\n"
    }

    static func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ fill: String, opacity: Double = 1) -> String {
        "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(w, 0)))\" height=\"\(n(max(h, 0)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : "") + "/>"
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: String, dash: Bool = false) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(colour)\"" + (dash ? " stroke-dasharray=\"4 3\" stroke-width=\"2\"" : "") + "/>"
    }

    static func text(_ x: Double, _ y: Double, _ s: String, anchor: String = "start") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\"" + (anchor == "start" ? "" : " text-anchor=\"\(anchor)\"") + ">\(esc(s))</text>"
    }

    /// A coordinate with at most one decimal.
    static func n(_ v: Double) -> String {
        let t = Int((v * 10).rounded())
        return t % 10 == 0 ? String(t / 10) : "\(t / 10).\(abs(t % 10))"
    }

    /// The smallest of 4, 8, 12, 16, 20, 24, 32, 40, 48, 60, 80, 100, 120... at least `v`: a
    /// multiple of 4, so that the quarter ticks are whole numbers.
    static func niceCeiling(_ v: Int) -> Int {
        var scale = 1
        while true {
            for m in [4, 8, 12, 16, 20, 24, 32, 40, 48, 60, 80] where m * scale >= v { return m * scale }
            scale *= 10
        }
    }

    static func table(_ rows: [[String]]) -> String {
        guard let head = rows.first else { return "" }
        var s = "<table>\n<tr>" + head.map { "<th>\(esc($0))</th>" }.joined() + "</tr>\n"
        for r in rows.dropFirst() { s += "<tr>" + r.map { "<td>\(esc($0))</td>" }.joined() + "</tr>\n" }
        return s + "</table>\n"
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
