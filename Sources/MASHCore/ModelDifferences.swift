/// The differences between a model and the standard, one line each, for the local-variation
/// escalation and the start-up warning: variation is reported, never silent.
public enum ModelDifferences {
    public static func between(_ standard: RiskModel, _ m: RiskModel) -> [String] {
        var d: [String] = []
        func note(_ what: String, _ a: String, _ b: String) { if a != b { d.append("\(what): \(a) -> \(b)") } }
        func list(_ a: [Agency]) -> String { "[" + a.map(\.name).joined(separator: ", ") + "]" }
        func codes(_ a: [ConcernCode]) -> String { "[" + a.map(\.rawValue).sorted().joined(separator: ", ") + "]" }
        note("name", standard.name, m.name)
        note("version", "\(standard.version)", "\(m.version)")
        for c in ConcernCode.allCases {
            note("concernLevels.\(c.rawValue)", "\(standard.concernLevels[c] ?? 0)", "\(m.concernLevels[c] ?? 0)")
        }
        note("policeHighRiskFloor", "\(standard.policeHighRiskFloor)", "\(m.policeHighRiskFloor)")
        note("modifiers.underOneOrUnborn.add", "\(standard.underOneOrUnborn.add)", "\(m.underOneOrUnborn.add)")
        note("modifiers.underOneOrUnborn.minimumLevel", "\(standard.underOneOrUnborn.minimumLevel)", "\(m.underOneOrUnborn.minimumLevel)")
        note("modifiers.toxicTrio.add", "\(standard.toxicTrio.add)", "\(m.toxicTrio.add)")
        note("modifiers.toxicTrio.concerns", codes(standard.toxicTrio.concerns), codes(m.toxicTrio.concerns))
        note("modifiers.repeat.add", "\(standard.repeatRule.add)", "\(m.repeatRule.add)")
        note("modifiers.repeat.earlierNotifications", "\(standard.repeatRule.earlierNotifications)", "\(m.repeatRule.earlierNotifications)")
        note("modifiers.repeat.windowDays", "\(standard.repeatRule.windowDays)", "\(m.repeatRule.windowDays)")
        note("informationExchange.officerRisk", standard.informationExchange.officerRisk.rawValue, m.informationExchange.officerRisk.rawValue)
        note("informationExchange.onlyConcerns", codes(standard.informationExchange.onlyConcerns), codes(m.informationExchange.onlyConcerns))
        note("informationExchange.level", "\(standard.informationExchange.level)", "\(m.informationExchange.level)")
        note("immediateRisk.level", "\(standard.immediateRisk.level)", "\(m.immediateRisk.level)")
        note("immediateRisk.rag", standard.immediateRisk.rag.rawValue, m.immediateRisk.rag.rawValue)
        note("immediateRisk.urgentRecipients", list(standard.immediateRisk.urgentRecipients), list(m.immediateRisk.urgentRecipients))
        for i in Indicator.allCases {
            note("indicators.\(i.rawValue)", describe(standard.indicators[i]), describe(m.indicators[i]))
        }
        for l in 1...4 {
            note("rag.\(l)", standard.rag(forLevel: l).rawValue, m.rag(forLevel: l).rawValue)
            note("outcomes.\(l).outcome", standard.outcomes[l]?.outcome ?? "", m.outcomes[l]?.outcome ?? "")
            note("outcomes.\(l).recipients", list(standard.outcomes[l]?.recipients ?? []), list(m.outcomes[l]?.recipients ?? []))
        }
        for r in [RAG.red, .amber, .green] {
            note("timescales.\(r.rawValue)", Timescale.text(standard.timescales[r] ?? 0), Timescale.text(m.timescales[r] ?? 0))
        }
        for r in RAG.allCases {
            note("research.\(r.rawValue)", list(standard.researchRecipients[r] ?? []), list(m.researchRecipients[r] ?? []))
        }
        note("openCase.outcome", standard.openCase.outcome, m.openCase.outcome)
        note("openCase.recipients", list(standard.openCase.recipients), list(m.openCase.recipients))
        for s in NotificationStream.allCases {
            note("outcomeNotice.\(s.rawValue)", standard.outcomeNotice[s]?.name ?? "", m.outcomeNotice[s]?.name ?? "")
        }
        note("escalations", standard.escalationRecipient.name, m.escalationRecipient.name)
        return d
    }

    static func describe(_ e: RiskModel.IndicatorEffect?) -> String {
        switch e {
        case nil, .none?: return "none"
        case .add(let n)?: return "+\(n)"
        case .setLevel(let n)?: return "level \(n)"
        }
    }
}
