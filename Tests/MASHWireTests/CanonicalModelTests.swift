import Foundation
import HandStandardModel
import MASHCore
import MASHWire
import Testing

/// One change of substance to a model.
struct ModelChange: Sendable, CustomTestStringConvertible {
    var label: String
    var apply: @Sendable (inout RiskModel) -> Void
    var testDescription: String { label }
}

let modelChanges: [ModelChange] = {
    var out: [ModelChange] = []
    for (code, level) in HandStandardModel.baseLevels {
        let c = ConcernCode(rawValue: code)!
        out.append(.init(label: "\(code) \(level) to \(level == 4 ? 3 : level + 1)") { $0.concernLevels[c] = level == 4 ? 3 : level + 1 })
    }
    out += [
        .init(label: "name") { $0.name = "london-standard-hackney" },
        .init(label: "version") { $0.version = 2 },
        .init(label: "police floor") { $0.policeHighRiskFloor = 2 },
        .init(label: "under-one add") { $0.underOneOrUnborn.add = 2 },
        .init(label: "under-one minimum level") { $0.underOneOrUnborn.minimumLevel = 1 },
        .init(label: "toxic trio add") { $0.toxicTrio.add = 2 },
        .init(label: "toxic trio concerns") { $0.toxicTrio.concerns = [.domesticAbuse, .parentalMentalHealth] },
        .init(label: "repeat add") { $0.repeatRule.add = 2 },
        .init(label: "repeat count") { $0.repeatRule.earlierNotifications = 3 },
        .init(label: "repeat window") { $0.repeatRule.windowDays = 366 },
        .init(label: "information exchange risk") { $0.informationExchange.officerRisk = .high },
        .init(label: "information exchange concerns") { $0.informationExchange.onlyConcerns = [.other, .housing] },
        .init(label: "information exchange level") { $0.informationExchange.level = 2 },
        .init(label: "immediate risk level") { $0.immediateRisk.level = 3 },
        .init(label: "immediate risk rag") { $0.immediateRisk.rag = .amber },
        .init(label: "urgent recipients") { $0.immediateRisk.urgentRecipients = ["csc"] },
        .init(label: "sex offender indicator") { $0.indicators[.sexOffenderInHousehold] = .add(1) },
        .init(label: "previous plan indicator") { $0.indicators[.previousChildProtectionPlan] = .add(2) },
        .init(label: "violent offender indicator") { $0.indicators[.violentOffenderInHousehold] = RiskModel.IndicatorEffect.none },
        .init(label: "no-trace indicator") { $0.indicators[.noTrace] = .add(1) },
        .init(label: "rag of level 2") { $0.ragForLevel[2] = .blue },
        .init(label: "red timescale") { $0.timescales[.red] = 14_401 },
        .init(label: "amber timescale") { $0.timescales[.amber] = 43_200 },
        .init(label: "green timescale") { $0.timescales[.green] = 86_400 },
        .init(label: "red research list") { $0.researchRecipients[.red] = ["police", "health", "education", "probation", "housing"] },
        .init(label: "amber research list") { $0.researchRecipients[.amber] = ["police", "health", "education", "housing", "yos"] },
        .init(label: "green research list") { $0.researchRecipients[.green] = ["health"] },
        .init(label: "blue research list") { $0.researchRecipients[.blue] = ["health"] },
        .init(label: "outcome 4 name") { $0.outcomes[4]?.outcome = "strategy" },
        .init(label: "outcome 3 recipients") { $0.outcomes[3]?.recipients = ["csc", "health"] },
        .init(label: "outcome 2 name") { $0.outcomes[2]?.outcome = "early-help-assessment" },
        .init(label: "outcome 1 recipients") { $0.outcomes[1]?.recipients = ["early-help"] },
        .init(label: "open case outcome") { $0.openCase.outcome = "forward" },
        .init(label: "open case recipients") { $0.openCase.recipients = ["csc", "police"] },
        .init(label: "police outcome notice") { $0.outcomeNotice[.police] = "csc" },
        .init(label: "LA outcome notice") { $0.outcomeNotice[.localAuthority] = "csc" },
        .init(label: "escalations") { $0.escalationRecipient = "csc" },
    ]
    return out
}()

@Suite("CanonicalModel")
struct CanonicalModelTests {
    static let standardChecksum = CanonicalModel.checksum(StandardModel.model)

    @Test("the checksum is 64 lower-case hex characters")
    func shape() {
        let c = Self.standardChecksum
        #expect(c.count == 64)
        #expect(c.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        #expect(CanonicalModel.identity(StandardModel.model) == ModelIdentity(name: "london-standard", version: 1, checksum: c))
    }

    @Test("the hand-built model has the embedded model's checksum")
    func handChecksum() {
        #expect(CanonicalModel.checksum(HandStandardModel.model) == Self.standardChecksum)
    }

    @Test("reformatted copies of the standard have the same checksum", arguments: [
        ("hand layout", handModelLines),
        ("240m, 1d, 3d", handModelLines.map {
            $0.replacingOccurrences(of: #""4h""#, with: #""240m""#).replacingOccurrences(of: #""24h""#, with: #""1d""#)
                .replacingOccurrences(of: #""72h""#, with: #""3d""#)
        }),
        ("seconds, one line", [handModelLines.map { $0.trimmingCharacters(in: .whitespaces) }.joined().replacingOccurrences(of: #""4h""#, with: #""14400s""#)]),
        ("keys in reverse order", reversedKeysModel),
    ])
    func reformatted(label: String, lines: [String]) throws {
        let m = try ModelFile.parse(modelText(lines), source: label)
        #expect(CanonicalModel.checksum(m) == Self.standardChecksum)
        #expect(m == StandardModel.model)
    }

    @Test("the embedded text parses to a model with the same checksum")
    func embeddedText() throws {
        let m = try ModelFile.parse(Array(StandardModel.text.utf8), source: "embedded")
        #expect(CanonicalModel.checksum(m) == Self.standardChecksum)
    }

    @Test("the checksum does not depend on the order of unordered lists", arguments: [
        ModelChange(label: "toxic trio order") { $0.toxicTrio.concerns = [.parentalSubstanceMisuse, .domesticAbuse, .parentalMentalHealth] },
    ])
    func unordered(_ change: ModelChange) {
        var m = HandStandardModel.model
        change.apply(&m)
        #expect(CanonicalModel.checksum(m) == Self.standardChecksum)
    }

    @Test("changing any one value changes the checksum", arguments: modelChanges)
    func change(_ change: ModelChange) {
        var m = HandStandardModel.model
        change.apply(&m)
        #expect(m != HandStandardModel.model, "the change changed nothing")
        #expect(CanonicalModel.checksum(m) != Self.standardChecksum)
    }

    @Test("every change gives its own checksum")
    func distinct() {
        var seen: [String: String] = [Self.standardChecksum: "standard"]
        for change in modelChanges {
            var m = HandStandardModel.model
            change.apply(&m)
            let c = CanonicalModel.checksum(m)
            #expect(seen[c] == nil, "\(change.label) has the checksum of \(seen[c] ?? "")")
            seen[c] = change.label
        }
    }

    @Test("a one-value change in the file text changes the checksum", arguments: [
        (6, #"    "fgm": 3,"#), (27, #"  "policeHighRiskFloor": 2,"#), (43, #"    "red": "5h","#),
        (50, #"    "green": ["health"],"#), (61, #"  "escalations": "csc""#), (3, #"  "version": 2,"#),
    ])
    func textChange(line: Int, text: String) throws {
        var lines = handModelLines
        lines[line - 1] = text
        let m = try ModelFile.parse(modelText(lines), source: "changed")
        #expect(CanonicalModel.checksum(m) != Self.standardChecksum)
    }
}

/// The standard model with every object's keys written in reverse order.
let reversedKeysModel: [String] = [
    "{",
    #""escalations": "mash-manager","#,
    #""outcomeNotice": {"local-authority": "referrer-feedback", "police": "police"},"#,
    #""openCase": {"recipients": ["csc"], "outcome": "forward-to-allocated-team"},"#,
    #""outcomes": {"4": {"recipients": ["csc", "police"], "outcome": "strategy-discussion"}, "3": {"recipients": ["csc"], "outcome": "csc-assessment"}, "2": {"recipients": ["early-help"], "outcome": "early-help"}, "1": {"recipients": [], "outcome": "nfa-signpost"}},"#,
    #""research": {"blue": [], "green": ["health", "education"], "amber": ["police", "health", "education", "housing"], "red": ["police", "health", "education", "probation", "housing", "yos"]},"#,
    #""timescales": {"green": "259200s", "amber": "1440m", "red": "4h"},"#,
    #""rag": {"4": "red", "3": "amber", "2": "green", "1": "blue"},"#,
    #""indicators": {"no-trace": {}, "violent-offender-in-household": {"add": 1}, "previous-child-protection-plan": {"add": 1}, "sex-offender-in-household": {"setLevel": 4}},"#,
    #""immediateRisk": {"urgentRecipients": ["csc", "police"], "rag": "red", "level": 4},"#,
    #""informationExchange": {"level": 1, "onlyConcerns": ["other"], "officerRisk": "low"},"#,
    #""modifiers": {"repeat": {"windowDays": 365, "earlierNotifications": 2, "add": 1}, "toxicTrio": {"concerns": ["domestic-abuse", "parental-mental-health", "parental-substance-misuse"], "add": 1}, "underOneOrUnborn": {"minimumLevel": 2, "add": 1}},"#,
    #""policeHighRiskFloor": 3,"#,
    #""concernLevels": {"other": 1, "housing": 2, "online-harm": 2, "young-carer": 2, "child-substance-misuse": 2, "child-mental-health": 2, "parental-substance-misuse": 2, "parental-mental-health": 2, "emotional-abuse": 2, "honour-based-abuse": 3, "self-harm": 3, "radicalisation": 3, "missing": 3, "criminal-exploitation": 3, "neglect": 3, "domestic-abuse": 3, "physical-abuse": 3, "trafficking": 4, "sexual-exploitation": 4, "fgm": 4, "sexual-abuse": 4},"#,
    #""version": 1,"#,
    #""name": "london-standard""#,
    "}",
]
