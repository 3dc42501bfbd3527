import MASHCore
import MASHWire

/// `mashctl explain`: screens notifications without storing them and says, for each, every
/// rule that fired, the level, the RAG, who would be asked for research, and the outcome and
/// recipients as things stand. Children named earlier in the same input count for the repeat
/// rule, as they would in the store.
public struct Explainer {
    let model: RiskModel
    var index = SameChildIndex()
    var sequence: Int64 = 0

    public init(model: RiskModel) { self.model = model }

    public struct Explanation: Encodable {
        public var line: Int
        public var ok: Bool
        public var format: String?
        public var reference: String?
        public var error: String?
        public var warnings: [String]
        public var route: String?
        public var level: Int?
        public var rag: String?
        public var rules: [RationaleEntry]
        public var researchFrom: [String]
        public var deadlineAfter: String?
        public var outcome: String?
        public var recipients: [String]
        public var note: String?
    }

    public mutating func explain(_ bytes: [UInt8], line: Int) -> Explanation {
        var e = Explanation(
            line: line, ok: false, warnings: [], rules: [], researchFrom: [], recipients: [])
        switch LineParser.decoder.decode(bytes) {
        case .failure(let r):
            e.reference = r.reference
            e.error = "\(r.error)"
            return e
        case .success(let l):
            e.ok = true
            e.format = l.format
            e.reference = l.decoded.sourceReference
            e.warnings = l.decoded.warnings.map { "\($0.code) at \($0.field)" }
            guard case .notification(let n) = l.decoded.intake else {
                e.note = "a research answer: it changes the case's decision if it arrives before the case is decided"
                return e
            }
            let history = index.history(of: n, windowDays: model.repeatRule.windowDays, limit: model.repeatRule.earlierNotifications)
            sequence += 1
            index.add(n, sequence: sequence)
            let s = Screener.screen(n, history: history, model: model)
            e.route = s.route.rawValue
            e.level = s.level
            e.rag = s.rag?.rawValue ?? "none"
            e.rules = s.rationale
            if s.route == .openCase {
                e.outcome = model.openCase.outcome
                e.recipients = model.openCase.recipients.map(\.name)
                e.note = "forwarded to the allocated team at once; no research"
            } else if let level = s.level, let rag = s.rag {
                let asked = model.researchRecipients[rag] ?? []
                e.researchFrom = asked.map(\.name)
                let rule = model.outcomes[level]
                e.outcome = rule?.outcome
                e.recipients = rule?.recipients.map(\.name) ?? []
                if asked.isEmpty {
                    e.note = "decided at screening"
                } else {
                    e.deadlineAfter = Timescale.text(model.timescales[rag] ?? 0)
                    e.note = "the outcome if research finds nothing that raises the level"
                        + (s.route == .immediateRisk ? "; urgent strategy-discussion products go to \(model.immediateRisk.urgentRecipients.map(\.name).joined(separator: ", ")) at once" : "")
                }
            }
            if let notice = model.outcomeNotice[n.stream] { e.note = (e.note.map { $0 + "; " } ?? "") + "outcome notice to \(notice)" }
            return e
        }
    }
}
