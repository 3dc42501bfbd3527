import MASHCore

/// Reads a risk model file (JSON, the shape of `StandardModel.text`). Every fault names the
/// file, the line and the field, because a model that is wrong must stop mashd before it
/// decides anything, and the person fixing it needs to know where to look.
public enum ModelFile {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let source: String
        public let line: Int
        public let field: String
        public let message: String
        public var description: String { "\(source):\(line): \(field.isEmpty ? "/" : field): \(message)" }
    }

    public static func parse(_ bytes: [UInt8], source: String, agencies: Set<Agency> = Set(Agency.standard)) throws(Failure) -> RiskModel {
        func lineOf(_ offset: Int) -> Int { 1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            var line = 1
            for text in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
                if String(validating: text, as: UTF8.self) == nil { break }
                line += 1
            }
            throw Failure(source: source, line: line, field: "", message: "the file is not valid UTF-8")
        }
        var positions: [String: Int] = [:]
        let parsed = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw, positions: &positions) }
        }
        let root: JSONValue
        switch parsed {
        case .success(let v): root = v
        case .failure(let f): throw Failure(source: source, line: lineOf(f.offset), field: "", message: "invalid JSON: \(f.message)")
        }
        var reader = Reader(positions: positions, agencies: agencies)
        do {
            return try reader.model(root)
        } catch let fault {
            // A missing key has no position of its own: name its object's line.
            var pointer = fault.field
            while positions[pointer] == nil, let slash = pointer.lastIndex(of: "/") {
                pointer = String(pointer[..<slash])
            }
            let offset = positions[pointer] ?? positions["/"] ?? 0
            throw Failure(source: source, line: lineOf(offset), field: fault.field, message: fault.message)
        }
    }

    struct Fault: Error {
        let field: String
        let message: String
    }

    struct Reader {
        let positions: [String: Int]
        let agencies: Set<Agency>

        func object(_ v: JSONValue?, _ at: String, keys: Set<String>? = nil) throws(Fault) -> JSONObject {
            guard let v else { throw Fault(field: at, message: "is missing") }
            guard case .object(let o) = v else { throw Fault(field: at, message: "must be an object, not \(v.typeDescription)") }
            if let keys {
                for k in o.keys where !keys.contains(k) {
                    throw Fault(field: at + "/" + k, message: "is not a field of a model (known: \(keys.sorted().joined(separator: ", ")))")
                }
            }
            return o
        }

        func int(_ v: JSONValue?, _ at: String, _ range: ClosedRange<Int>) throws(Fault) -> Int {
            guard let v else { throw Fault(field: at, message: "is missing") }
            guard case .number(let text) = v, let n = Int(text), range.contains(n) else {
                throw Fault(field: at, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }

        func string(_ v: JSONValue?, _ at: String) throws(Fault) -> String {
            guard let v else { throw Fault(field: at, message: "is missing") }
            guard case .string(let s) = v, !s.isEmpty else { throw Fault(field: at, message: "must be a non-empty string") }
            return s
        }

        func array(_ v: JSONValue?, _ at: String) throws(Fault) -> [JSONValue] {
            guard let v else { throw Fault(field: at, message: "is missing") }
            guard case .array(let a) = v else { throw Fault(field: at, message: "must be an array, not \(v.typeDescription)") }
            return a
        }

        func agency(_ v: JSONValue?, _ at: String) throws(Fault) -> Agency {
            let s = try string(v, at)
            guard agencies.contains(Agency(s)) else {
                throw Fault(field: at, message: "\"\(s)\" is not an agency of this deployment (\(agencies.sorted().map(\.name).joined(separator: ", ")))")
            }
            return Agency(s)
        }

        func agencyList(_ v: JSONValue?, _ at: String) throws(Fault) -> [Agency] {
            var out: [Agency] = []
            for (i, item) in try array(v, at).enumerated() {
                let a = try agency(item, "\(at)/\(i)")
                guard !out.contains(a) else { throw Fault(field: "\(at)/\(i)", message: "\(a) is listed twice") }
                out.append(a)
            }
            return out
        }

        func concern(_ v: JSONValue?, _ at: String) throws(Fault) -> ConcernCode {
            let s = try string(v, at)
            guard let c = ConcernCode(rawValue: s) else { throw Fault(field: at, message: "\"\(s)\" is not a concern code") }
            return c
        }

        func rag(_ v: JSONValue?, _ at: String) throws(Fault) -> RAG {
            let s = try string(v, at)
            guard let r = RAG(rawValue: s) else { throw Fault(field: at, message: "must be red, amber, green or blue") }
            return r
        }

        func outcome(_ v: JSONValue?, _ at: String) throws(Fault) -> RiskModel.OutcomeRule {
            let o = try object(v, at, keys: ["outcome", "recipients"])
            return RiskModel.OutcomeRule(
                outcome: try string(o["outcome"], at + "/outcome"), recipients: try agencyList(o["recipients"], at + "/recipients"))
        }

        mutating func model(_ root: JSONValue) throws(Fault) -> RiskModel {
            let top = try object(
                root, "",
                keys: [
                    "name", "version", "concernLevels", "policeHighRiskFloor", "modifiers", "informationExchange",
                    "immediateRisk", "indicators", "rag", "timescales", "research", "outcomes", "openCase",
                    "outcomeNotice", "escalations",
                ])
            let name = try string(top["name"], "/name")
            let version = try int(top["version"], "/version", 1...1_000_000)

            let levelsObject = try object(top["concernLevels"], "/concernLevels")
            var levels: [ConcernCode: Int] = [:]
            for m in levelsObject.members {
                let at = "/concernLevels/\(m.key)"
                guard let code = ConcernCode(rawValue: m.key) else { throw Fault(field: at, message: "is not a concern code") }
                levels[code] = try int(m.value, at, 1...4)
            }
            for code in ConcernCode.allCases where levels[code] == nil {
                throw Fault(field: "/concernLevels/\(code.rawValue)", message: "is missing: every concern code needs a base level")
            }

            let floor = try int(top["policeHighRiskFloor"], "/policeHighRiskFloor", 1...4)
            let mods = try object(top["modifiers"], "/modifiers", keys: ["underOneOrUnborn", "toxicTrio", "repeat"])
            let u = try object(mods["underOneOrUnborn"], "/modifiers/underOneOrUnborn", keys: ["add", "minimumLevel"])
            let t = try object(mods["toxicTrio"], "/modifiers/toxicTrio", keys: ["add", "concerns"])
            let r = try object(mods["repeat"], "/modifiers/repeat", keys: ["add", "earlierNotifications", "windowDays"])
            var trio: [ConcernCode] = []
            for (i, c) in try array(t["concerns"], "/modifiers/toxicTrio/concerns").enumerated() {
                trio.append(try concern(c, "/modifiers/toxicTrio/concerns/\(i)"))
            }

            let ie = try object(top["informationExchange"], "/informationExchange", keys: ["officerRisk", "onlyConcerns", "level"])
            let riskText = try string(ie["officerRisk"], "/informationExchange/officerRisk")
            guard let risk = OfficerRisk(rawValue: riskText) else {
                throw Fault(field: "/informationExchange/officerRisk", message: "must be high or low")
            }
            var only: [ConcernCode] = []
            for (i, c) in try array(ie["onlyConcerns"], "/informationExchange/onlyConcerns").enumerated() {
                only.append(try concern(c, "/informationExchange/onlyConcerns/\(i)"))
            }

            let im = try object(top["immediateRisk"], "/immediateRisk", keys: ["level", "rag", "urgentRecipients"])

            let ind = try object(top["indicators"], "/indicators")
            var indicators: [Indicator: RiskModel.IndicatorEffect] = [:]
            for m in ind.members {
                let at = "/indicators/\(m.key)"
                guard let i = Indicator(rawValue: m.key) else { throw Fault(field: at, message: "is not a research indicator") }
                let e = try object(m.value, at, keys: ["add", "setLevel"])
                switch (e["add"], e["setLevel"]) {
                case (nil, nil): indicators[i] = RiskModel.IndicatorEffect.none
                case (let a?, nil): indicators[i] = .add(try int(a, at + "/add", 0...3))
                case (nil, let s?): indicators[i] = .setLevel(try int(s, at + "/setLevel", 1...4))
                default: throw Fault(field: at, message: "has both add and setLevel; give one")
                }
            }
            for i in Indicator.allCases where indicators[i] == nil {
                throw Fault(field: "/indicators/\(i.rawValue)", message: "is missing: every indicator needs an effect ({} for none)")
            }

            let ragObject = try object(top["rag"], "/rag", keys: ["1", "2", "3", "4"])
            var ragForLevel: [Int: RAG] = [:]
            for l in 1...4 { ragForLevel[l] = try rag(ragObject["\(l)"], "/rag/\(l)") }

            let ts = try object(top["timescales"], "/timescales", keys: ["red", "amber", "green"])
            var timescales: [RAG: Int64] = [:]
            for c in [RAG.red, .amber, .green] {
                let text = try string(ts[c.rawValue], "/timescales/\(c.rawValue)")
                guard let s = Timescale.seconds(text) else {
                    throw Fault(field: "/timescales/\(c.rawValue)", message: "must be a number and a unit s, m, h or d, such as \"4h\"")
                }
                timescales[c] = s
            }

            let research = try object(top["research"], "/research", keys: ["red", "amber", "green", "blue"])
            var recipients: [RAG: [Agency]] = [:]
            for c in RAG.allCases { recipients[c] = try agencyList(research[c.rawValue], "/research/\(c.rawValue)") }

            let outs = try object(top["outcomes"], "/outcomes", keys: ["1", "2", "3", "4"])
            var outcomes: [Int: RiskModel.OutcomeRule] = [:]
            for l in 1...4 { outcomes[l] = try outcome(outs["\(l)"], "/outcomes/\(l)") }

            let notice = try object(top["outcomeNotice"], "/outcomeNotice", keys: ["police", "local-authority"])

            return RiskModel(
                name: name, version: version, concernLevels: levels, policeHighRiskFloor: floor,
                underOneOrUnborn: .init(
                    add: try int(u["add"], "/modifiers/underOneOrUnborn/add", 0...3),
                    minimumLevel: try int(u["minimumLevel"], "/modifiers/underOneOrUnborn/minimumLevel", 1...4)),
                toxicTrio: .init(add: try int(t["add"], "/modifiers/toxicTrio/add", 0...3), concerns: trio),
                repeat: .init(
                    add: try int(r["add"], "/modifiers/repeat/add", 0...3),
                    earlierNotifications: try int(r["earlierNotifications"], "/modifiers/repeat/earlierNotifications", 1...1000),
                    windowDays: try int(r["windowDays"], "/modifiers/repeat/windowDays", 1...3660)),
                informationExchange: .init(
                    officerRisk: risk, onlyConcerns: only, level: try int(ie["level"], "/informationExchange/level", 1...4)),
                immediateRisk: .init(
                    level: try int(im["level"], "/immediateRisk/level", 1...4), rag: try rag(im["rag"], "/immediateRisk/rag"),
                    urgentRecipients: try agencyList(im["urgentRecipients"], "/immediateRisk/urgentRecipients")),
                indicators: indicators, ragForLevel: ragForLevel, timescales: timescales, researchRecipients: recipients,
                outcomes: outcomes, openCase: try outcome(top["openCase"], "/openCase"),
                outcomeNotice: [
                    .police: try agency(notice["police"], "/outcomeNotice/police"),
                    .localAuthority: try agency(notice["local-authority"], "/outcomeNotice/local-authority"),
                ],
                escalationRecipient: try agency(top["escalations"], "/escalations"))
        }
    }
}
