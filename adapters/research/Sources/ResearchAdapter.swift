import MASHCore
import MASHWire

/// Reads `research/1`: an agency's answer to a research request. Whether the case exists is
/// the store's question; this adapter checks the id's shape and check character, so a case id
/// misheard on the phone is refused as `unknown-case` before it reaches the store.
public struct ResearchAdapter: IntakeAdapter {
    public let format = "research/1"

    public init() {}

    public func reference(in object: JSONObject) -> String? {
        guard case .string(let id)? = object["caseId"] else { return nil }
        if case .string(let agency)? = object["agency"] { return "\(id)/\(agency)" }
        return id
    }

    public func decode(_ object: JSONObject, context: AdapterContext) throws(IntakeError) -> Decoded {
        let r = FieldReader(object)
        try r.checkFormat(format)
        let typed = try r.string("caseId")
        guard let caseId = CaseID(typed) else {
            throw IntakeError(
                .unknownCase, "\"\(typed.prefix(20))\" is not a case id mashd gave (wrong characters or check character)",
                field: "/caseId")
        }
        let agency = Agency(try r.oneOf("agency", context.agencies.map(\.name).sorted()))
        let respondedAt = try r.dateTime("respondedAt")
        var findings: [Finding] = []
        let allowed = Indicator.allCases.map(\.rawValue)
        for f in try r.objects(in: try r.array("findings"), of: "findings") {
            var indicators: [Indicator] = []
            if let items = try f.optionalArray("indicators") {
                for (n, s) in try f.strings(in: items, of: "indicators").enumerated() {
                    guard let i = Indicator(rawValue: s) else {
                        throw .invalidField(
                            f.path("indicators") + "/\(n)", "\(f.path("indicators"))/\(n) must be one of \(allowed.joined(separator: ", "))")
                    }
                    indicators.append(i)
                }
            }
            findings.append(Finding(summary: try f.string("summary"), shareable: try f.bool("shareable"), indicators: indicators))
        }
        return Decoded(intake: .research(ResearchAnswer(caseId: caseId, agency: agency, respondedAt: respondedAt, findings: findings)))
    }
}
