import Foundation
import MASHClient
import Testing

/// The London MASH process end to end through the real daemon: each scenario sends a
/// notification, answers the research it asks for, and reads the outbox files: their kinds,
/// recipients, RAG, level and outcome, and that nothing reaches a recipient that MASH.md does
/// not let it see.
struct ProcessScenarioTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        var name: String
        var line: String
        /// The screening RAG in the intake reply.
        var screening: String
        /// Findings per agency, JSON; agencies asked but not listed answer with no findings.
        var findings: [String: String] = [:]
        /// Agencies that do not answer (the case waits for its deadline).
        var silent: [String] = []
        var level: Int?
        var rag: String?
        var outcome: String
        /// Every product of the case, as kind/recipient.
        var products: [String]
        /// Strings that must appear in no product of the case.
        var secrets: [String] = []
        /// The research timescale: short only where the scenario waits for the deadline.
        var timescale = "120s"
        var testDescription: String { name }
    }

    static let amberAsked = ["education", "health", "housing", "police"]
    static let redAsked = ["education", "health", "housing", "police", "probation", "yos"]
    static func requests(_ agencies: [String]) -> [String] { agencies.map { "research-request/\($0)" } }

    static let scenarios: [Scenario] = [
        Scenario(
            name: "formats.md police example: DV with officer risk high is Amber", line: Harness.merlinExample,
            screening: "amber", level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/police"]),
        Scenario(
            name: "formats.md local-authority example: neglect is Amber", line: Harness.laExample, screening: "amber",
            level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "level 4 concern: sexual abuse is Red, strategy discussion",
            line: Lines.la("S-L4", concerns: ["sexual-abuse"], child: Lines.child("Ada", "Four")), screening: "red", level: 4,
            rag: "red", outcome: "strategy-discussion",
            products: requests(redAsked) + ["information-product/csc", "information-product/police", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "level 2 concern: emotional abuse is Green, early help",
            line: Lines.la("S-L2", concerns: ["emotional-abuse"], child: Lines.child("Ben", "Two")), screening: "green",
            level: 2, rag: "green", outcome: "early-help",
            products: requests(["education", "health"]) + ["information-product/early-help", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "level 1: no concern beyond other is Blue, decided at screening with feedback only",
            line: Lines.la("S-L1", concerns: ["other"], child: Lines.child("Cal", "One")), screening: "blue", level: 1,
            rag: "blue", outcome: "nfa-signpost", products: ["outcome-notice/referrer-feedback"]),
        Scenario(
            name: "police floor: officer risk high lifts 'other' to level 3",
            line: Lines.merlin("S-FLOOR", concerns: ["child present"], risk: "high", child: Lines.policeChild("Dee", "Floor")),
            screening: "amber", level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/police"]),
        Scenario(
            name: "information exchange, low risk, nothing specific: level 1 even for a baby",
            line: Lines.merlin(
                "S-IE", concerns: ["child present"], referralType: "information-exchange",
                child: Lines.policeChild("Eve", "Exchange", dob: "2026-06-01")),
            screening: "blue", level: 1, rag: "blue", outcome: "nfa-signpost", products: ["outcome-notice/police"]),
        Scenario(
            name: "under one: a baby lifts emotional abuse from 2 to 3",
            line: Lines.la("S-U1", concerns: ["emotional-abuse"], child: Lines.child("Fay", "Baby", dob: "2026-05-01")),
            screening: "amber", level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "unborn: parental mental health and an expected baby is level 3",
            line: Lines.la(
                "S-UNBORN", concerns: ["parental-mental-health"],
                child: #""firstName":"Baby","lastName":"Unborn","expectedDeliveryDate":"2027-02-01""#),
            screening: "amber", level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "toxic trio: domestic abuse with parental mental health and substance misuse is Red",
            line: Lines.la(
                "S-TRIO", concerns: ["domestic-abuse", "parental-mental-health", "parental-substance-misuse"],
                child: Lines.child("Gus", "Trio")),
            screening: "red", level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(redAsked) + ["information-product/csc", "information-product/police", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "modifiers together: a baby, the toxic trio at level 2, capped at 4",
            line: Lines.la(
                "S-MODS", concerns: ["emotional-abuse", "domestic-abuse", "parental-mental-health", "parental-substance-misuse"],
                child: Lines.child("Hal", "Mods", dob: "2026-08-01")),
            screening: "red", level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(redAsked) + ["information-product/csc", "information-product/police", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "open case: forwarded to the allocated team, no research, no RAG",
            line: Lines.la("S-OPEN", concerns: ["neglect"], child: Lines.child("Ivy", "Open"), extra: #","openCase":true"#),
            screening: "none", level: nil, rag: nil, outcome: "forward-to-allocated-team",
            products: ["information-product/csc", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "immediate risk: Red at once with urgent strategy products, then a full decision",
            line: Lines.merlin(
                "S-IMM", concerns: ["neglect"], child: Lines.policeChild("Jo", "Immediate"), extra: #","immediateRisk":true"#),
            screening: "red", level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(redAsked) + [
                "information-product/csc", "information-product/police", "outcome-notice/police", "urgent-strategy/csc",
                "urgent-strategy/police",
            ]),
        Scenario(
            name: "immediate risk wins over an open case",
            line: Lines.la(
                "S-IMMOPEN", concerns: ["neglect"], child: Lines.child("Kit", "Both"),
                extra: #","openCase":true,"immediateProtectionNeeded":true"#),
            screening: "red", level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(redAsked) + [
                "information-product/csc", "information-product/police", "outcome-notice/referrer-feedback",
                "urgent-strategy/csc", "urgent-strategy/police",
            ]),
        Scenario(
            name: "research raises the level: a previous child protection plan takes Green to Amber",
            line: Lines.la("S-RAISE", concerns: ["housing"], child: Lines.child("Lou", "Raised")), screening: "green",
            findings: ["health": #"[{"summary":"HEALTH-SAYS subject of a CP plan in 2021","shareable":true,"indicators":["previous-child-protection-plan"]}]"#],
            level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(["education", "health"]) + ["information-product/csc", "outcome-notice/referrer-feedback"]),
        Scenario(
            name: "a sex offender in the household is level 4 whatever screening said",
            line: Lines.la("S-SO", concerns: ["young-carer"], child: Lines.child("Max", "Offender")), screening: "green",
            findings: ["education": #"[{"summary":"EDU-SAYS stepfather on the register","shareable":true,"indicators":["sex-offender-in-household"]}]"#],
            level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(["education", "health"]) + [
                "information-product/csc", "information-product/police", "outcome-notice/referrer-feedback",
            ]),
        Scenario(
            name: "a sealed finding counts, and is cited only as confidential information held by its agency",
            line: Lines.la("S-SEAL", concerns: ["neglect"], child: Lines.child("Ned", "Sealed")), screening: "amber",
            findings: ["police": #"[{"summary":"SEALED-SECRET covert operation at the address","shareable":false,"indicators":["violent-offender-in-household"]}]"#],
            level: 4, rag: "red", outcome: "strategy-discussion",
            products: requests(amberAsked) + [
                "information-product/csc", "information-product/police", "outcome-notice/referrer-feedback",
            ],
            secrets: ["SEALED-SECRET", "covert operation"]),
        Scenario(
            name: "a referrer who is not a professional is never named",
            line: Lines.la(
                "S-PUBLIC", concerns: ["neglect"], child: Lines.child("Olu", "Public"), professional: false,
                referrerName: "Jane Neighbour-Privatename"),
            screening: "amber", level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + ["information-product/csc", "outcome-notice/referrer-feedback"],
            secrets: ["Neighbour-Privatename"]),
        Scenario(
            name: "agencies that do not answer by the deadline are escalated by name",
            line: Lines.la("S-SILENT", concerns: ["neglect"], child: Lines.child("Pam", "Silent")), screening: "amber",
            silent: ["housing", "police"], level: 3, rag: "amber", outcome: "csc-assessment",
            products: requests(amberAsked) + [
                "escalation/mash-manager", "information-product/csc", "outcome-notice/referrer-feedback",
            ], timescale: "3s"),
    ]

    @Test(arguments: scenarios)
    func scenario(_ s: Scenario) throws {
        let d = try ProcessDaemon("scenario", timescale: s.timescale)
        let reply = try d.send(s.line)
        #expect(reply.ok, "\(reply.text)")
        #expect(reply.rag == s.screening)
        let id = try #require(reply.id)
        let started = try d.waitResearching(id)
        for agency in started.asked where !s.silent.contains(agency) {
            let r = try d.answer(id, agency, findings: s.findings[agency] ?? "[]")
            #expect(r.ok, "\(r.text)")
        }
        let record = try d.waitDecided(id)
        #expect(record.decision?.level == s.level)
        #expect(record.decision?.rag?.rawValue == s.rag)
        #expect(record.decision?.outcome == s.outcome)
        #expect(Set(record.decision?.unanswered.map(\.name) ?? []) == Set(s.silent))

        let files = try d.products(id)
        #expect(files.map(\.label).sorted() == s.products.sorted())
        // The store's record of deliveries matches the files.
        #expect(Set(record.products.map(\.id)) == Set(files.map(\.name)))
        for f in files {
            ProductChecks.wellFormed(f, caseId: id)
            ProductChecks.minimal(f, line: s.line)
            if f.kind == "information-product" || f.kind == "escalation" {
                #expect(f.rag == s.rag, "\(f)")
                #expect(f.level == s.level, "\(f)")
            }
            if f.kind == "information-product" || f.kind == "outcome-notice" { #expect(f.outcome == s.outcome, "\(f)") }
            for secret in s.secrets { #expect(!f.text.contains(secret), "\(f) shows \(secret)") }
        }
        if s.name.contains("sealed") {
            let csc = try #require(files.first { $0.label == "information-product/csc" })
            #expect(csc.text.contains("confidential information held by police"))
        }
        if s.name.contains("not a professional") {
            let csc = try #require(files.first { $0.label == "information-product/csc" })
            #expect(csc.text.contains("member of the public"))
        }
        if s.name.contains("escalated by name") {
            let esc = try #require(files.first { $0.kind == "escalation" })
            let detail = esc.json["escalation"] as? [String: Any]
            #expect(detail?["unanswered"] as? [String] == ["housing", "police"])
        }
        if s.name.contains("immediate risk:") {
            // The urgent products went out at screening, before any research answer.
            let urgent = record.products.filter { $0.kind == "urgent-strategy" }
            let decided = record.products.filter { $0.kind == "information-product" }
            #expect(urgent.count == 2)
            #expect(urgent.allSatisfy { u in decided.allSatisfy { u.deliveredAt <= $0.deliveredAt } })
        }
    }
}

/// What every product must carry, and what each recipient must never see.
enum ProductChecks {
    static func wellFormed(_ f: ProductFile, caseId: String) {
        #expect(f.json["id"] as? String == f.name, "\(f): id is not the file name")
        #expect(f.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        #expect(f.json["caseId"] as? String == caseId)
        #expect(f.recipient == f.directory, "\(f) is in the wrong outbox")
        #expect(f.json["createdAt"] is String)
        let model = f.json["model"] as? [String: Any]
        #expect(model?["name"] as? String == "london-standard" && model?["version"] as? Int == 1)
        #expect((model?["checksum"] as? String)?.count == 64)
        let hasRAG = f.keys.contains("rag") && f.keys.contains("level")
        #expect(hasRAG == (f.kind != "outcome-notice"), "\(f): rag and level belong on every kind but outcome-notice")
        #expect(f.keys.contains("outcome") == ["information-product", "outcome-notice", "escalation"].contains(f.kind) || f.kind == "urgent-strategy" && !f.keys.contains("outcome"))
        if ["urgent-strategy", "information-product", "escalation"].contains(f.kind) {
            #expect(f.json["rationale"] is [Any], "\(f) has no rationale")
        }
        if f.kind == "research-request" { #expect(f.json["deadline"] is String) }
    }

    /// The narrative, the household and criminal records go to CSC and police only; the
    /// referrer's side learns only its own reference, the outcome and the date.
    static func minimal(_ f: ProductFile, line: String) {
        let narrative = "NARRATIVE-"
        let fullView = (f.kind == "information-product" || f.kind == "urgent-strategy") && (f.recipient == "csc" || f.recipient == "police")
        if !fullView {
            #expect(!f.text.contains(narrative), "\(f) shows the narrative")
            #expect(!f.text.contains("PNC-"), "\(f) shows an adult's criminal record")
            #expect(!f.text.contains("Kerry Parent") && !f.text.contains("\"Sam\""), "\(f) shows the household")
            #expect(!f.keys.contains("findings") && !f.keys.contains("household"), "\(f)")
        }
        // MASH.md: research requests carry the child's identifiers; early help the child's
        // identity and school. Gender, ethnicity and GP go to CSC and police only.
        let identifiers: Set<String> = ["surname", "forenames", "dateOfBirth", "unborn", "expectedDate", "nhsNumber", "upn", "address"]
        let children = ((f.json["subject"] as? [String: Any])?["children"] as? [[String: Any]]) ?? []
        let earlyHelp = f.kind == "information-product" && f.recipient == "early-help"
        if f.kind == "research-request" || earlyHelp {
            #expect(!children.isEmpty, "\(f) names no child")
            for child in children {
                #expect(Set(child.keys).isSubset(of: earlyHelp ? identifiers.union(["school"]) : identifiers), "\(f): \(child.keys.sorted())")
            }
            #expect(!f.text.contains("WBRI") && !f.text.contains("GP-Clapton"), "\(f) shows ethnicity or GP")
            if !earlyHelp { #expect(!f.text.contains("Mandeville Primary"), "\(f) shows the school") }
        }
        switch f.kind {
        case "research-request":
            #expect(f.keys.isSubset(of: ["id", "caseId", "kind", "recipient", "createdAt", "model", "rag", "level", "deadline", "subject", "concerns"]), "\(f.keys)")
        case "outcome-notice":
            #expect(f.keys == ["id", "caseId", "kind", "recipient", "createdAt", "model", "outcome", "source", "decidedAt"], "\(f.keys)")
            #expect((f.json["source"] as? [String: Any])?.keys.sorted() == ["reference"])
        case "escalation":
            #expect(!f.keys.contains("subject") && !f.keys.contains("source"), "\(f)")
        case "information-product" where !fullView:
            #expect(f.keys.isSubset(of: ["id", "caseId", "kind", "recipient", "createdAt", "model", "rag", "level", "outcome", "rationale", "subject", "concerns"]), "\(f.keys)")
            #expect(!f.text.contains("confidential information held by"), "\(f) mentions a sealed item")
        default: break
        }
    }
}
