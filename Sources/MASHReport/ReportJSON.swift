/// A JSON value written with sorted keys and two-space indentation, so the same store and
/// request always give the same bytes.
indirect enum JSON {
    case int(Int)
    /// A number already formatted (fixed decimals).
    case number(String)
    case string(String)
    case null
    case array([JSON])
    /// An array whose elements are made one at a time as they are written, so a long report
    /// never holds the whole tree.
    case lazyArray(Int, (Int) -> JSON)
    case object([String: JSON])

    static func decimal(_ s: String) -> JSON { s.isEmpty ? .null : .number(s) }

    /// Writes into `out`; after each element of a lazy array, hands `out` to `flush` once it
    /// holds a megabyte or more.
    func write(into out: inout String, indent: Int, flush: ((inout String) -> Void)? = nil) {
        switch self {
        case .int(let n): out += String(n)
        case .number(let s): out += s
        case .null: out += "null"
        case .string(let s): JSON.quote(s, into: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += JSON.spaces(indent + 2)
                item.write(into: &out, indent: indent + 2, flush: flush)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += JSON.spaces(indent) + "]"
        case .lazyArray(let count, let element):
            if count == 0 { out += "[]"; return }
            out += "[\n"
            for i in 0..<count {
                out += JSON.spaces(indent + 2)
                element(i).write(into: &out, indent: indent + 2, flush: flush)
                out += i == count - 1 ? "\n" : ",\n"
                if let flush, out.utf8.count >= 1 << 20 { flush(&out) }
            }
            out += JSON.spaces(indent) + "]"
        case .object(let fields):
            if fields.isEmpty { out += "{}"; return }
            out += "{\n"
            // Keys in byte order, so the order is the same on every platform.
            let keys = fields.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (i, k) in keys.enumerated() {
                out += JSON.spaces(indent + 2)
                JSON.quote(k, into: &out)
                out += ": "
                fields[k]!.write(into: &out, indent: indent + 2, flush: flush)
                out += i == keys.count - 1 ? "\n" : ",\n"
            }
            out += JSON.spaces(indent) + "}"
        }
    }

    static let indents = (0..<24).map { String(repeating: " ", count: $0 * 2) }

    static func spaces(_ n: Int) -> String { n / 2 < indents.count ? indents[n / 2] : String(repeating: " ", count: n) }

    static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

extension Report {
    /// The report as JSON: sorted keys, stable. See `mashctl report --help` for the fields.
    public func json() -> String {
        var all = ""
        json { all += $0 }
        return all
    }

    /// The report as JSON, handed to `emit` a piece at a time (a megabyte or so), so a report
    /// of many periods is never held whole.
    public func json(_ emit: (String) -> Void) {
        var timescaleFields: [String: JSON] = [:]
        for (i, t) in timescales.enumerated() {
            guard let t else { continue }
            timescaleFields[RAGKey(rawValue: i)!.name] = .object(["minHours": .number(Num.hours(t.min)), "maxHours": .number(Num.hours(t.max))])
        }
        let doc: JSON = .object([
            "report": .string("mashd MASH evaluation"),
            "from": .string(request.from.description),
            "to": .string(request.to.description),
            "period": .string(request.period.rawValue),
            "asOf": .string(request.asOf.rfc3339UTC),
            "selection": .string("cases accepted on the UTC days from..to, both included"),
            "timescales": .object(timescaleFields),
            "range": sectionJSON(range),
            "periods": .lazyArray(periods.count) { sectionJSON(periods[$0]) },
            "perDay": .array(perDay.map { .object(["day": .string($0.day.description), "police": .int($0.police), "local-authority": .int($0.localAuthority)]) }),
        ])
        withoutActuallyEscaping(emit) { emit in
            var out = ""
            doc.write(into: &out, indent: 0) { buffer in
                emit(buffer)
                buffer = ""
            }
            emit(out + "\n")
        }
    }

    func sectionJSON(_ s: Section) -> JSON {
        .object([
            "start": .string(s.start.description),
            "end": .string(s.end.description),
            "all": figuresJSON(s.all),
            "byStream": .object(Dictionary(uniqueKeysWithValues: StreamKey.allCases.map { ($0.name, figuresJSON(s.streams[$0.rawValue])) })),
            "byBorough": .array(
                s.boroughs.map { b in
                    .object([
                        "gss": .string(b.gss), "name": .string(b.name), "all": figuresJSON(b.all),
                        "byStream": .object(Dictionary(uniqueKeysWithValues: StreamKey.allCases.map { ($0.name, figuresJSON(b.streams[$0.rawValue])) })),
                    ])
                }),
            "deploymentEscalations": .int(s.deploymentEscalations),
        ])
    }

    func figuresJSON(_ f: Figures) -> JSON {
        var volumes: [String: JSON] = ["total": .int(f.notifications), "immediateRisk": .int(f.immediateRisk)]
        for r in RAGKey.allCases { volumes[r.name] = .int(f.rag[r.rawValue]) }

        var time: [String: JSON] = [:]
        for (i, t) in f.time.enumerated() {
            time[i == 5 ? "all" : RAGKey(rawValue: i)!.name] = .object([
                "decided": .int(t.decided),
                "onTime": .int(t.onTime),
                "onTimePct": .decimal(Num.tenths(t.onTimeTenths)),
                "medianHours": .decimal(Num.hundredths(t.medianHundredths)),
                "p95Hours": .decimal(Num.hundredths(t.p95Hundredths)),
                "decidedAtScreening": .int(t.atScreening),
                "pending": .int(t.pending),
                "overdue": .int(t.overdue),
            ])
        }

        var byOutcome: [String: JSON] = [:]
        for (i, o) in outcomes.enumerated() { byOutcome[o] = .int(f.outcomes[i]) }

        var byAgency: [String: JSON] = [:]
        for (i, a) in agencies.enumerated() { byAgency[a] = agencyJSON(f.research[i]) }

        var escalatedAgencies: [String: JSON] = [:]
        for (i, a) in agencies.enumerated() where f.escalatedAgencies[i] > 0 { escalatedAgencies[a] = .int(f.escalatedAgencies[i]) }

        var transitions: [String: JSON] = [:]
        for from in 0..<4 {
            var row: [String: JSON] = [:]
            for to in 0..<4 { row[RAGKey(rawValue: to)!.name] = .int(f.transitions[from * 4 + to]) }
            transitions[RAGKey(rawValue: from)!.name] = .object(row)
        }

        return .object([
            "volumes": .object(volumes),
            "timeliness": .object(time),
            "outcomes": .object([
                "decided": .int(f.decided),
                "byOutcome": .object(byOutcome),
                "policeDecided": .int(f.policeDecided),
                "policeNfaSignpost": .int(f.policeNFA),
                "policeNfaSharePct": .decimal(Num.tenths(f.policeNFATenths)),
            ]),
            "repeats": .object(["children": .int(f.repeatChildren), "notifications": .int(f.repeatNotifications)]),
            "research": .object(["byAgency": .object(byAgency), "total": agencyJSON(f.researchTotal)]),
            "escalations": .object([
                "total": .int(f.escalations),
                "agenciesUnanswered": .int(f.escalationsUnanswered),
                "decidedLate": .int(f.escalationsLate),
                "unansweredByAgency": .object(escalatedAgencies),
            ]),
            "rerating": .object([
                "compared": .int(f.rerate.reduce(0, +)),
                "unchanged": .int(f.rerate[1]),
                "lowered": .int(f.rerate[0]),
                "raised": .int(f.raised),
                "raisedBy": .object(["1": .int(f.rerate[2]), "2": .int(f.rerate[3]), "3": .int(f.rerate[4])]),
                "transitions": .object(transitions),
            ]),
        ])
    }

    func agencyJSON(_ r: AgencyTally) -> JSON {
        .object([
            "requests": .int(r.requests), "answersOnTime": .int(r.onTime), "answersLate": .int(r.late), "unanswered": .int(r.unanswered),
            "answersUnrequested": .int(r.unrequested),
        ])
    }
}
