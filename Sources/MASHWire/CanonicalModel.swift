import Crypto
import MASHCore

/// The canonical form of a model: the file's shape with keys sorted, no white space, and
/// timescales in seconds, so that two files that say the same thing (`"4h"` and `"240m"`,
/// other key order, other spacing) have the same checksum, and any change of substance has
/// another.
public enum CanonicalModel {
    public static func bytes(_ m: RiskModel) -> [UInt8] {
        var w = JSONWriter()
        func list(_ items: [String]) {
            w.raw("[")
            for (i, s) in items.enumerated() {
                if i > 0 { w.raw(",") }
                w.string(s)
            }
            w.raw("]")
        }
        func outcome(_ o: RiskModel.OutcomeRule) {
            w.raw("{\"outcome\":")
            w.string(o.outcome)
            w.raw(",\"recipients\":")
            list(o.recipients.map(\.name))
            w.raw("}")
        }
        w.raw("{\"concernLevels\":{")
        for (i, c) in ConcernCode.allCases.sorted().enumerated() {
            w.key(c.rawValue, first: i == 0)
            w.raw("\(m.concernLevels[c] ?? 1)")
        }
        w.raw("},\"escalations\":")
        w.string(m.escalationRecipient.name)
        w.raw(",\"immediateRisk\":{\"level\":\(m.immediateRisk.level),\"rag\":")
        w.string(m.immediateRisk.rag.rawValue)
        w.raw(",\"urgentRecipients\":")
        list(m.immediateRisk.urgentRecipients.map(\.name))
        w.raw("},\"indicators\":{")
        for (i, ind) in Indicator.allCases.sorted().enumerated() {
            w.key(ind.rawValue, first: i == 0)
            switch m.indicators[ind] ?? RiskModel.IndicatorEffect.none {
            case .none: w.raw("{}")
            case .add(let n): w.raw("{\"add\":\(n)}")
            case .setLevel(let n): w.raw("{\"setLevel\":\(n)}")
            }
        }
        w.raw("},\"informationExchange\":{\"level\":\(m.informationExchange.level),\"officerRisk\":")
        w.string(m.informationExchange.officerRisk.rawValue)
        w.raw(",\"onlyConcerns\":")
        list(m.informationExchange.onlyConcerns.map(\.rawValue).sorted())
        w.raw("},\"modifiers\":{\"repeat\":{\"add\":\(m.repeatRule.add),\"earlierNotifications\":\(m.repeatRule.earlierNotifications),\"windowDays\":\(m.repeatRule.windowDays)}")
        w.raw(",\"toxicTrio\":{\"add\":\(m.toxicTrio.add),\"concerns\":")
        list(m.toxicTrio.concerns.map(\.rawValue).sorted())
        w.raw("},\"underOneOrUnborn\":{\"add\":\(m.underOneOrUnborn.add),\"minimumLevel\":\(m.underOneOrUnborn.minimumLevel)}}")
        w.raw(",\"name\":")
        w.string(m.name)
        w.raw(",\"openCase\":")
        outcome(m.openCase)
        w.raw(",\"outcomeNotice\":{\"local-authority\":")
        w.string(m.outcomeNotice[.localAuthority]?.name ?? "")
        w.raw(",\"police\":")
        w.string(m.outcomeNotice[.police]?.name ?? "")
        w.raw("},\"outcomes\":{")
        for l in 1...4 {
            w.key("\(l)", first: l == 1)
            outcome(m.outcomes[l] ?? .init(outcome: "", recipients: []))
        }
        w.raw("},\"policeHighRiskFloor\":\(m.policeHighRiskFloor),\"rag\":{")
        for l in 1...4 {
            w.key("\(l)", first: l == 1)
            w.string(m.rag(forLevel: l).rawValue)
        }
        w.raw("},\"research\":{")
        for (i, r) in [RAG.amber, .blue, .green, .red].enumerated() {
            w.key(r.rawValue, first: i == 0)
            list((m.researchRecipients[r] ?? []).map(\.name))
        }
        w.raw("},\"timescales\":{")
        for (i, r) in [RAG.amber, .green, .red].enumerated() {
            w.key(r.rawValue, first: i == 0)
            w.raw("\(m.timescales[r] ?? 0)")
        }
        w.raw("},\"version\":\(m.version)}")
        return w.bytes
    }

    /// Lower-case hex SHA-256 of the canonical form.
    public static func checksum(_ m: RiskModel) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in SHA256.hash(data: bytes(m)) {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func identity(_ m: RiskModel) -> ModelIdentity {
        ModelIdentity(name: m.name, version: m.version, checksum: checksum(m))
    }
}
