import HandStandardModel
import MASHCore
@testable import MASHWire
import Testing

/// The standard model written out again by hand from MASH.md, one fact per line where it
/// matters, so each error's line number is known. Line numbers are 1-based array index + 1.
let handModelLines: [String] = [
    /* 1 */ "{",
    /* 2 */ #"  "name": "london-standard","#,
    /* 3 */ #"  "version": 1,"#,
    /* 4 */ #"  "concernLevels": {"#,
    /* 5 */ #"    "sexual-abuse": 4,"#,
    /* 6 */ #"    "fgm": 4,"#,
    /* 7 */ #"    "trafficking": 4,"#,
    /* 8 */ #"    "sexual-exploitation": 4,"#,
    /* 9 */ #"    "physical-abuse": 3,"#,
    /* 10 */ #"    "domestic-abuse": 3,"#,
    /* 11 */ #"    "neglect": 3,"#,
    /* 12 */ #"    "criminal-exploitation": 3,"#,
    /* 13 */ #"    "missing": 3,"#,
    /* 14 */ #"    "radicalisation": 3,"#,
    /* 15 */ #"    "self-harm": 3,"#,
    /* 16 */ #"    "honour-based-abuse": 3,"#,
    /* 17 */ #"    "emotional-abuse": 2,"#,
    /* 18 */ #"    "parental-mental-health": 2,"#,
    /* 19 */ #"    "parental-substance-misuse": 2,"#,
    /* 20 */ #"    "child-mental-health": 2,"#,
    /* 21 */ #"    "child-substance-misuse": 2,"#,
    /* 22 */ #"    "young-carer": 2,"#,
    /* 23 */ #"    "online-harm": 2,"#,
    /* 24 */ #"    "housing": 2,"#,
    /* 25 */ #"    "other": 1"#,
    /* 26 */ "  },",
    /* 27 */ #"  "policeHighRiskFloor": 3,"#,
    /* 28 */ #"  "modifiers": {"#,
    /* 29 */ #"    "underOneOrUnborn": {"add": 1, "minimumLevel": 2},"#,
    /* 30 */ #"    "toxicTrio": {"add": 1, "concerns": ["domestic-abuse", "parental-mental-health", "parental-substance-misuse"]},"#,
    /* 31 */ #"    "repeat": {"add": 1, "earlierNotifications": 2, "windowDays": 365}"#,
    /* 32 */ "  },",
    /* 33 */ #"  "informationExchange": {"officerRisk": "low", "onlyConcerns": ["other"], "level": 1},"#,
    /* 34 */ #"  "immediateRisk": {"level": 4, "rag": "red", "urgentRecipients": ["csc", "police"]},"#,
    /* 35 */ #"  "indicators": {"#,
    /* 36 */ #"    "sex-offender-in-household": {"setLevel": 4},"#,
    /* 37 */ #"    "previous-child-protection-plan": {"add": 1},"#,
    /* 38 */ #"    "violent-offender-in-household": {"add": 1},"#,
    /* 39 */ #"    "no-trace": {}"#,
    /* 40 */ "  },",
    /* 41 */ #"  "rag": {"1": "blue", "2": "green", "3": "amber", "4": "red"},"#,
    /* 42 */ #"  "timescales": {"#,
    /* 43 */ #"    "red": "4h","#,
    /* 44 */ #"    "amber": "24h","#,
    /* 45 */ #"    "green": "72h""#,
    /* 46 */ "  },",
    /* 47 */ #"  "research": {"#,
    /* 48 */ #"    "red": ["police", "health", "education", "probation", "housing", "yos"],"#,
    /* 49 */ #"    "amber": ["police", "health", "education", "housing"],"#,
    /* 50 */ #"    "green": ["health", "education"],"#,
    /* 51 */ #"    "blue": []"#,
    /* 52 */ "  },",
    /* 53 */ #"  "outcomes": {"#,
    /* 54 */ #"    "1": {"outcome": "nfa-signpost", "recipients": []},"#,
    /* 55 */ #"    "2": {"outcome": "early-help", "recipients": ["early-help"]},"#,
    /* 56 */ #"    "3": {"outcome": "csc-assessment", "recipients": ["csc"]},"#,
    /* 57 */ #"    "4": {"outcome": "strategy-discussion", "recipients": ["csc", "police"]}"#,
    /* 58 */ "  },",
    /* 59 */ #"  "openCase": {"outcome": "forward-to-allocated-team", "recipients": ["csc"]},"#,
    /* 60 */ #"  "outcomeNotice": {"police": "police", "local-authority": "referrer-feedback"},"#,
    /* 61 */ #"  "escalations": "mash-manager""#,
    /* 62 */ "}",
]

func modelText(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\n").utf8) }

/// One broken model file: which line to replace (1-based), with what, and the expected fault.
struct ModelFault: Sendable, CustomTestStringConvertible {
    var label: String
    var edit: @Sendable ([String]) -> [String]
    var line: Int
    var field: String
    var testDescription: String { label }
}

private func replace(_ n: Int, _ text: String, expecting marker: String) -> @Sendable ([String]) -> [String] {
    { lines in
        precondition(lines[n - 1].contains(marker), "fixture line \(n) is not \(marker)")
        var l = lines
        l[n - 1] = text
        return l
    }
}

let modelFaults: [ModelFault] = [
    .init(label: "concern level 5", edit: replace(6, #"    "fgm": 5,"#, expecting: "fgm"), line: 6, field: "/concernLevels/fgm"),
    .init(label: "concern level 0", edit: replace(17, #"    "emotional-abuse": 0,"#, expecting: "emotional-abuse"), line: 17, field: "/concernLevels/emotional-abuse"),
    .init(label: "concern level as a string", edit: replace(11, #"    "neglect": "3","#, expecting: "neglect"), line: 11, field: "/concernLevels/neglect"),
    .init(label: "missing concern code", edit: { l in precondition(l[23].contains("housing")); var m = l; m.remove(at: 23); return m }, line: 4, field: "/concernLevels/housing"),
    .init(label: "unknown concern code", edit: replace(24, #"    "housing": 2, "hosuing": 2,"#, expecting: "housing"), line: 24, field: "/concernLevels/hosuing"),
    .init(label: "unknown top-level key", edit: replace(3, #"  "version": 1, "colour": "blue","#, expecting: "version"), line: 3, field: "/colour"),
    .init(label: "unknown top-level key on its own line", edit: { l in var m = l; m.insert(#"  "colour": "blue","#, at: 27); return m }, line: 28, field: "/colour"),
    .init(label: "bad timescale 4 hours", edit: replace(43, #"    "red": "4 hours","#, expecting: "red"), line: 43, field: "/timescales/red"),
    .init(label: "bad timescale 0h", edit: replace(44, #"    "amber": "0h","#, expecting: "amber"), line: 44, field: "/timescales/amber"),
    .init(label: "unknown agency in a research list", edit: replace(48, #"    "red": ["police", "health", "education", "probation", "housing", "yos", "social-services"],"#, expecting: "probation"), line: 48, field: "/research/red/6"),
    .init(label: "unknown agency first in a research list", edit: replace(50, #"    "green": ["schools", "education"],"#, expecting: "green"), line: 50, field: "/research/green/0"),
    .init(label: "agency listed twice", edit: replace(49, #"    "amber": ["police", "health", "police", "housing"],"#, expecting: "amber"), line: 49, field: "/research/amber/2"),
    .init(label: "unknown urgent recipient", edit: replace(34, #"  "immediateRisk": {"level": 4, "rag": "red", "urgentRecipients": ["csc", "met"]},"#, expecting: "immediateRisk"), line: 34, field: "/immediateRisk/urgentRecipients/1"),
    .init(label: "unknown escalation agency", edit: replace(61, #"  "escalations": "manager""#, expecting: "escalations"), line: 61, field: "/escalations"),
    .init(label: "missing escalations", edit: { l in var m = l; m.remove(at: 60); m[59] = String(m[59].dropLast()); return m }, line: 1, field: "/escalations"),
    .init(label: "floor 5", edit: replace(27, #"  "policeHighRiskFloor": 5,"#, expecting: "policeHighRiskFloor"), line: 27, field: "/policeHighRiskFloor"),
    .init(label: "unknown officer risk", edit: replace(33, #"  "informationExchange": {"officerRisk": "medium", "onlyConcerns": ["other"], "level": 1},"#, expecting: "informationExchange"), line: 33, field: "/informationExchange/officerRisk"),
    .init(label: "unknown rag", edit: replace(41, #"  "rag": {"1": "blue", "2": "green", "3": "amber", "4": "purple"},"#, expecting: "rag"), line: 41, field: "/rag/4"),
    .init(label: "unknown indicator", edit: replace(39, #"    "no-trace": {}, "no-trace-found": {}"#, expecting: "no-trace"), line: 39, field: "/indicators/no-trace-found"),
    .init(label: "indicator with add and setLevel", edit: replace(37, #"    "previous-child-protection-plan": {"add": 1, "setLevel": 4},"#, expecting: "previous-child-protection-plan"), line: 37, field: "/indicators/previous-child-protection-plan"),
    .init(label: "unknown toxic trio concern", edit: replace(30, #"    "toxicTrio": {"add": 1, "concerns": ["domestic-abuse", "parental-mental-health", "drugs"]},"#, expecting: "toxicTrio"), line: 30, field: "/modifiers/toxicTrio/concerns/2"),
    .init(label: "version as a string", edit: replace(3, #"  "version": "1","#, expecting: "version"), line: 3, field: "/version"),
    .init(label: "invalid JSON: double comma", edit: replace(27, #"  "policeHighRiskFloor": 3,,"#, expecting: "policeHighRiskFloor"), line: 27, field: ""),
    .init(label: "invalid JSON: NaN", edit: replace(13, #"    "missing": NaN,"#, expecting: "missing"), line: 13, field: ""),
    .init(label: "invalid JSON: duplicate key", edit: replace(7, #"    "fgm": 4,"#, expecting: "trafficking"), line: 7, field: ""),
    .init(label: "invalid JSON: single quotes", edit: replace(45, #"    'green': "72h""#, expecting: "green"), line: 45, field: ""),
]

@Suite("ModelFile and StandardModel")
struct ModelFileTests {
    @Test("StandardModel.model equals the model typed from MASH.md")
    func standardEqualsHand() {
        #expect(StandardModel.model == HandStandardModel.model)
    }

    @Test("every table value of the embedded model, one by one")
    func standardValues() throws {
        let m = StandardModel.model
        #expect(m.name == "london-standard")
        #expect(m.version == 1)
        #expect(m.concernLevels.count == 21)
        for (code, level) in HandStandardModel.baseLevels {
            let c = try #require(ConcernCode(rawValue: code))
            #expect(m.concernLevels[c] == level, "\(code)")
        }
        #expect(m.policeHighRiskFloor == 3)
        #expect(m.underOneOrUnborn == .init(add: 1, minimumLevel: 2))
        #expect(m.toxicTrio.add == 1)
        #expect(Set(m.toxicTrio.concerns) == [.domesticAbuse, .parentalMentalHealth, .parentalSubstanceMisuse])
        #expect(m.repeatRule == .init(add: 1, earlierNotifications: 2, windowDays: 365))
        #expect(m.informationExchange.officerRisk == .low)
        #expect(m.informationExchange.onlyConcerns == [.other])
        #expect(m.informationExchange.level == 1)
        #expect(m.immediateRisk.level == 4)
        #expect(m.immediateRisk.rag == .red)
        #expect(Set(m.immediateRisk.urgentRecipients) == [Agency("csc"), Agency("police")])
        #expect(m.indicators[.sexOffenderInHousehold] == .setLevel(4))
        #expect(m.indicators[.previousChildProtectionPlan] == .add(1))
        #expect(m.indicators[.violentOffenderInHousehold] == .add(1))
        #expect(m.indicators[.noTrace] == RiskModel.IndicatorEffect.none)
        #expect(m.ragForLevel == [4: .red, 3: .amber, 2: .green, 1: .blue])
        #expect(m.timescales == [.red: 14_400, .amber: 86_400, .green: 259_200])
        #expect(m.timescales[.blue] == nil)
        #expect(Set(m.researchRecipients[.red] ?? []) == ["police", "health", "education", "probation", "housing", "yos"])
        #expect(Set(m.researchRecipients[.amber] ?? []) == ["police", "health", "education", "housing"])
        #expect(Set(m.researchRecipients[.green] ?? []) == ["health", "education"])
        #expect(m.researchRecipients[.blue] == [])
        #expect(m.outcomes[4]?.outcome == "strategy-discussion")
        #expect(Set(m.outcomes[4]?.recipients ?? []) == ["csc", "police"])
        #expect(m.outcomes[3] == .init(outcome: "csc-assessment", recipients: ["csc"]))
        #expect(m.outcomes[2] == .init(outcome: "early-help", recipients: ["early-help"]))
        #expect(m.outcomes[1] == .init(outcome: "nfa-signpost", recipients: []))
        #expect(m.openCase == .init(outcome: "forward-to-allocated-team", recipients: ["csc"]))
        #expect(m.outcomeNotice == [.police: "police", .localAuthority: "referrer-feedback"])
        #expect(m.escalationRecipient == "mash-manager")
        for (level, rag) in [(1, RAG.blue), (2, .green), (3, .amber), (4, .red)] {
            #expect(m.rag(forLevel: level) == rag)
        }
    }

    @Test("the hand-written file parses to the same model")
    func handFileParses() throws {
        #expect(try ModelFile.parse(modelText(handModelLines), source: "hand") == HandStandardModel.model)
    }

    @Test("faults name the line and the field", arguments: modelFaults)
    func fault(_ f: ModelFault) {
        let bytes = modelText(f.edit(handModelLines))
        do {
            let m = try ModelFile.parse(bytes, source: "test.json")
            Issue.record("parsed: \(m.name)")
        } catch {
            #expect(error.line == f.line, "\(error)")
            #expect(error.field == f.field, "\(error)")
            #expect(error.source == "test.json")
            #expect(error.description.hasPrefix("test.json:\(f.line): "), "\(error)")
        }
    }

    @Test("a file that is not UTF-8 is refused at the line of the bad byte")
    func notUTF8() {
        var lines = handModelLines.map { Array($0.utf8) }
        lines[1] = Array(#"  "name": "london-"#.utf8) + [0xFF] + Array(#"standard","#.utf8)  // line 2
        let bytes = Array(lines.joined(separator: [0x0A]))
        do {
            _ = try ModelFile.parse(bytes, source: "bad.json")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("UTF-8"), "\(error)")
            #expect(error.line == 2, "\(error)")
        }
    }

    @Test("a file that is not UTF-8 on its first line is refused")
    func notUTF8FirstLine() {
        do {
            _ = try ModelFile.parse([0x7B, 0xC0, 0xAF, 0x7D], source: "bad.json")
            Issue.record("parsed")
        } catch {
            #expect(error.message.contains("UTF-8"))
            #expect(error.line == 1)
        }
    }

    @Test("an empty file and a non-object are refused", arguments: ["", "[]", "null", "\"london-standard\""])
    func notAnObject(text: String) {
        #expect(throws: ModelFile.Failure.self) { try ModelFile.parse(Array(text.utf8), source: "x") }
    }

    @Test("an agency outside the deployment's list is refused")
    func deploymentAgencies() {
        var agencies = Set(Agency.standard)
        agencies.remove("yos")
        do {
            _ = try ModelFile.parse(modelText(handModelLines), source: "x", agencies: agencies)
            Issue.record("parsed")
        } catch {
            #expect(error.field == "/research/red/5")
            #expect(error.line == 48)
        }
    }
}
