import HeapModule
import MASHCore
import MASHWire

/// Realistic synthetic notifications for benchmarks, dry-run rehearsals, training and tests:
/// both streams in roughly equal volume, plausible mixes of concerns, children of every age
/// including babies and the unborn, the same children again across streams, research answers
/// (some late, some missing), and a few data-quality faults. The same seed always gives the
/// same bytes. No real person: every name, address and identifier is drawn from lists.
///
/// Case ids in research answers assume a fresh store that accepts the notifications in the
/// order written (they are written in time order): the nth notification is case n.
public struct NotificationGenerator: Sendable {
    public struct Options: Sendable {
        public var count: Int
        public var seed: UInt64
        /// The first day notifications fall on.
        public var start: FullDate
        /// How many days they spread over.
        public var days: Int
        /// Whether to write research answers.
        public var research: Bool
        /// The share of notifications with a data-quality fault (warnings, never rejections).
        public var faults: Double
        /// The model that says which agencies are asked (for the answers).
        public var model: RiskModel

        public init(
            count: Int, seed: UInt64, start: FullDate = FullDate(year: 2026, month: 1, day: 1)!, days: Int = 365,
            research: Bool = true, faults: Double = 0.02, model: RiskModel
        ) {
            self.count = count
            self.seed = seed
            self.start = start
            self.days = days
            self.research = research
            self.faults = faults
            self.model = model
        }
    }

    public let options: Options

    public init(_ options: Options) { self.options = options }

    struct Person {
        var surname: String
        var forenames: String
        var dob: FullDate
        var nhs: String
        var upn: String?
        var borough: LocalAuthority
        var address: (line1: String, postcode: String)
        var school: String
        var parent: String
        var parentSurname: String
    }

    /// The notifications alone (no research answers), each with its source reference, for
    /// benchmarks and load tests.
    public static func notifications(count: Int, seed: UInt64) -> [(reference: String, line: String)] {
        let g = NotificationGenerator(.init(count: count, seed: seed, research: false, model: StandardModel.model))
        var out: [(reference: String, line: String)] = []
        out.reserveCapacity(count)
        g.generate { line in
            let reference = LineParser.notification(line)?.sourceReference ?? ""
            out.append((reference, line))
        }
        return out
    }

    /// Writes every line, in time order, through `emit`.
    public func generate(_ emit: (String) -> Void) {
        var rng = SplitMix64(seed: options.seed)
        // About one child for every 1.25 notifications: most named once, some twice, a few
        // three or more times in the year, as in a MASH's own figures.
        let population = makePopulation(max(options.count * 4 / 5, 1), &rng)
        let startMs = Int64(options.start.daysSinceEpoch) * 86_400_000
        let spanMs = Int64(options.days) * 86_400_000
        var times = (0..<options.count).map { _ in startMs + Int64(rng.next() % UInt64(max(spanMs, 1))) }
        times.sort()

        var answers = Heap<PendingLine>()
        var index = SameChildIndex()
        var order: UInt64 = 0
        for (i, time) in times.enumerated() {
            while let a = answers.min, a.time <= time {
                emit(a.text)
                answers.removeMin()
            }
            let person = population[Int(rng.next() % UInt64(population.count))]
            let police = rng.next() % 2 == 0
            let at = Timestamp(epochMicroseconds: time * 1000)
            let fault = Double(rng.next() % 10_000) / 10_000 < options.faults
            let line = police ? merlin(i, at, person, fault, &rng) : referral(i, at, person, fault, &rng)
            emit(line.text)
            guard options.research else { continue }
            // Which agencies are asked: screening, with the history so far.
            let n = line.notification
            let history = index.history(of: n, windowDays: options.model.repeatRule.windowDays, limit: options.model.repeatRule.earlierNotifications)
            index.add(n, sequence: Int64(i + 1))
            let s = Screener.screen(n, history: history, model: options.model)
            guard s.route != .openCase, let rag = s.rag else { continue }
            let asked = options.model.researchRecipients[rag] ?? []
            let timescale = options.model.timescales[rag] ?? 0
            let caseId = CaseID(sequence: UInt64(i + 1))
            for agency in asked {
                let r = rng.next() % 100
                if r < 3 { continue }  // never answers
                let fraction = r < 95 ? Double(rng.next() % 500) / 1000 : 1.1 + Double(rng.next() % 900) / 1000
                let delay = max(Int64(Double(timescale) * fraction * 1000), 60_000)
                order += 1
                answers.insert(PendingLine(time: time + delay, order: order, text: answer(caseId, agency, Timestamp(epochMicroseconds: (time + delay) * 1000), &rng)))
            }
        }
        while let a = answers.popMin() { emit(a.text) }
    }

    struct PendingLine: Comparable {
        var time: Int64
        var order: UInt64
        var text: String
        static func < (a: PendingLine, b: PendingLine) -> Bool { (a.time, a.order) < (b.time, b.order) }
        static func == (a: PendingLine, b: PendingLine) -> Bool { a.time == b.time && a.order == b.order }
    }

    // MARK: people

    static let surnames = [
        "Okafor", "Marsh", "Khan", "Nowak", "Silva", "Adeyemi", "Smith", "Patel", "Murphy", "Rossi", "Ahmed", "Jones", "Begum",
        "Kowalski", "Mensah", "Hussain", "Brown", "O'Connor", "Ali", "Taylor", "Osei", "Ibrahim", "Williams", "Chen", "Yilmaz",
        "Popescu", "Haddad", "Clarke", "Mahmood", "Evans", "Nguyen", "Fernandes", "Walker", "Rahman", "Kaur", "Campbell",
        "Eze", "Santos", "Green", "Mohamed",
    ]
    static let forenames = [
        "Amara", "Leo", "Aisha", "Jakub", "Maria", "Tunde", "Olivia", "Ravi", "Sean", "Giulia", "Yusuf", "Ella", "Zara",
        "Noah", "Fatima", "Kwame", "Isla", "Mohammed", "Grace", "Ethan", "Amelia", "Deji", "Sofia", "Oscar", "Hana", "Luca",
        "Chloe", "Ibrahim", "Maya", "Kai", "Ruby", "Jayden", "Nia", "Adam", "Lily", "Tariq", "Esme", "Samuel", "Ava", "Dylan",
    ]
    static let streets = [
        "Mare Street", "Glyn Road", "High Street", "Church Lane", "Victoria Road", "Park Avenue", "Station Road", "Mill Lane",
        "Albion Road", "Green Lanes", "Kingsland Road", "Brixton Hill", "Old Kent Road", "Holloway Road", "Romford Road",
    ]
    static let outward = ["E8", "E5", "N16", "SE15", "SW2", "N7", "E7", "W12", "NW10", "SE1", "E1", "N1", "SW9", "E17", "CR0"]
    static let inwardLetters = Array("ABDEFGHJLNPQRSTUWXYZ")

    func makePopulation(_ size: Int, _ rng: inout SplitMix64) -> [Person] {
        let startDays = options.start.daysSinceEpoch
        return (0..<size).map { _ in
            func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
            let surname = pick(Self.surnames)
            let first = pick(Self.forenames)
            let forenames = rng.next() % 3 == 0 ? "\(first) \(pick(Self.forenames))" : first
            // From 17 years before the period to its end: some are born during it.
            let dobDays = startDays - 17 * 365 + Int(rng.next() % UInt64(17 * 365 + options.days))
            let dob = FullDate.fromDaysSinceEpoch(dobDays)
            var nhs: String
            repeat {
                nhs = (0..<9).map { _ in String(rng.next() % 10) }.joined()
                nhs += String(Self.nhsCheck(nhs) ?? 0)
            } while NHSNumber.normalise(nhs) == nil
            let upn = dob.age(on: options.start) >= 4 ? Self.upn(&rng) : nil
            let inward = "\(rng.next() % 10)\(Self.inwardLetters[Int(rng.next() % 20)])\(Self.inwardLetters[Int(rng.next() % 20)])"
            return Person(
                surname: surname, forenames: forenames, dob: dob, nhs: nhs, upn: upn, borough: pick(LocalAuthority.all),
                address: ("\(1 + rng.next() % 240) \(pick(Self.streets))", "\(pick(Self.outward)) \(inward)"),
                school: "\(pick(Self.streets).split(separator: " ").first!) \(rng.next() % 2 == 0 ? "Primary" : "Academy")",
                parent: pick(Self.forenames), parentSurname: rng.next() % 4 == 0 ? pick(Self.surnames) : surname)
        }
    }

    static func nhsCheck(_ nine: String) -> Int? {
        let d = nine.utf8.map { Int($0 - 0x30) }
        var sum = 0
        for i in 0..<9 { sum += d[i] * (10 - i) }
        let c = 11 - sum % 11
        return c == 11 ? 0 : c == 10 ? nil : c
    }

    static func upn(_ rng: inout SplitMix64) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRTUVWXYZ")
        let body = (0..<12).map { _ in Int(rng.next() % 10) }
        var sum = 0
        for (i, v) in body.enumerated() { sum += v * (i + 2) }
        return String(alphabet[sum % 23]) + body.map(String.init).joined()
    }

    // MARK: lines

    struct Line {
        var text: String
        var notification: MASHNotification
    }

    static func json(_ s: String) -> String {
        var w = JSONWriter()
        w.string(s)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    func childFields(_ p: Person, at: Timestamp, police: Bool, fault: Int?) -> String {
        let born = p.dob <= at.localDate
        var f: [String] = []
        if police {
            f.append("\"surname\":\(Self.json(p.surname)),\"forenames\":\(Self.json(p.forenames))")
            f.append(born ? "\"dob\":\"\(p.dob)\"" : "\"unborn\":true,\"expectedDate\":\"\(p.dob)\"")
        } else {
            f.append("\"firstName\":\(Self.json(p.forenames)),\"lastName\":\(Self.json(p.surname))")
            f.append(born ? "\"dob\":\"\(p.dob)\"" : "\"expectedDeliveryDate\":\"\(p.dob)\"")
        }
        if born, !police || fault == 0 || p.nhs.hasSuffix("7") {
            // Police seldom know an NHS number; a fault makes its check digit wrong.
            let nhs = fault == 0 ? String(p.nhs.dropLast()) + (p.nhs.hasSuffix("9") ? "0" : "9") : p.nhs
            f.append("\"nhsNumber\":\"\(nhs)\"")
        }
        if born, !police, let upn = p.upn { f.append("\"upn\":\"\(upn)\"") }
        if born, p.upn != nil { f.append("\"school\":\(Self.json(p.school))") }
        let postcode = fault == 1 ? "NOT KNOWN" : p.address.postcode
        f.append("\"address\":{\"line1\":\(Self.json(p.address.line1)),\"town\":\"London\",\"postcode\":\"\(postcode)\"}")
        return "{" + f.joined(separator: ",") + "}"
    }

    func merlin(_ i: Int, _ at: Timestamp, _ p: Person, _ fault: Bool, _ rng: inout SplitMix64) -> Line {
        func roll(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        let triggers: [(String, UInt64)] = [
            ("domestic-incident", 40), ("missing", 15), ("arrest", 10), ("victim", 10), ("search", 5), ("custody", 5), ("other", 15),
        ]
        var r = rng.next() % 100
        var trigger = "other"
        for (t, w) in triggers {
            if r < w {
                trigger = t
                break
            }
            r -= w
        }
        var concerns: [String] = []
        switch trigger {
        case "domestic-incident": concerns = roll(50) ? ["DV", "child present"] : ["domestic abuse"]
        case "missing": concerns = [roll(50) ? "missing from home" : "MFH"]
        default:
            let words = ["CSE", "county lines", "assault", "neglect", "child present", "self harm", "CCE", "gangs", "sexual abuse", "FGM"]
            let weights: [UInt64] = [8, 8, 12, 10, 40, 6, 5, 5, 4, 2]
            var x = rng.next() % weights.reduce(0, +)
            for (w, k) in zip(words, weights) {
                if x < k {
                    concerns = [w]
                    break
                }
                x -= k
            }
        }
        if fault { concerns.append("concerning behaviour") }
        let exchange = roll(35)
        let risk = exchange ? (roll(90) ? "low" : "high") : (roll(30) ? "high" : "low")
        if exchange && risk == "low" && roll(60) { concerns = ["child present"] }
        let immediate = roll(2)
        let ref = "MER-\(String(at.localDate.year).suffix(2))-\(100_000 + i)"
        let concernList = concerns.map(Self.json).joined(separator: ",")
        let adults = #"[{"surname":\#(Self.json(p.parentSurname)),"forenames":\#(Self.json(p.parent)),"relationship":"parent","role":"\#(trigger == "domestic-incident" ? "suspect" : "parent")"\#(roll(30) ? ",\"pncId\":\"\(10 + rng.next() % 89)/\(100000 + rng.next() % 899999)X\"" : "")}]"#
        let text =
            #"{"format":"merlin/1","merlinRef":"\#(ref)","borough":"\#(p.borough.gss)","createdAt":"\#(at.rfc3339Local)","trigger":"\#(trigger)","referralType":"\#(exchange ? "information-exchange" : "formal-referral")","officerRisk":"\#(risk)"\#(immediate ? ",\"immediateRisk\":true" : ""),"concerns":[\#(concernList)],"children":[\#(childFields(p, at: at, police: true, fault: fault ? Int(rng.next() % 3) : nil))],"adults":\#(adults),"officer":{"name":"PC \#(Self.forenames[i % Self.forenames.count].prefix(1)) Officer","warrantNumber":"\#(200000 + i % 700000)","unit":"\#(p.borough.name) ERT"},"circumstances":"Synthetic notification \#(i) for rehearsal and testing; it describes no real person."}"#
        return Line(text: text, notification: decodeOrFail(text))
    }

    func referral(_ i: Int, _ at: Timestamp, _ p: Person, _ fault: Bool, _ rng: inout SplitMix64) -> Line {
        func roll(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
        let codes: [(String, UInt64)] = [
            ("neglect", 200), ("emotional-abuse", 150), ("domestic-abuse", 120), ("parental-mental-health", 100),
            ("parental-substance-misuse", 80), ("physical-abuse", 70), ("child-mental-health", 60), ("online-harm", 40),
            ("housing", 40), ("young-carer", 30), ("self-harm", 30), ("sexual-abuse", 20), ("missing", 20),
            ("criminal-exploitation", 20), ("other", 20), ("fgm", 5), ("radicalisation", 5), ("honour-based-abuse", 5),
        ]
        let total = codes.reduce(0) { $0 + $1.1 }
        var chosen: [String] = []
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            var x = rng.next() % total
            for (c, w) in codes {
                if x < w {
                    if !chosen.contains(c) { chosen.append(c) }
                    break
                }
                x -= w
            }
        }
        if fault { chosen.append("worrying behaviour at home") }
        let sources = ["1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"]
        let source = sources[Int(rng.next() % UInt64(sources.count))]
        let professional = !roll(12)
        let referrer =
            professional
            ? #"{"name":"\#(Self.forenames[i % 40]) \#(Self.surnames[(i / 40) % 40])","role":"Designated Safeguarding Lead","organisation":\#(Self.json(p.school)),"phone":"020 7946 0\#(String(100 + i % 900))","professional":true}"#
            : #"{"name":"\#(Self.forenames[(i + 7) % 40]) Neighbour","role":"neighbour","professional":false}"#
        let ref = "\(p.borough.name.prefix(2).uppercased())-C-\(String(1_000_000 + i).suffix(7))"
        let flags = (roll(5) ? ",\"openCase\":true" : "") + (roll(2) ? ",\"immediateProtectionNeeded\":true" : "")
        let text =
            #"{"format":"la-referral/1","contactId":"\#(ref)","localAuthority":"\#(roll(50) ? p.borough.name : p.borough.gss)","receivedAt":"\#(at.rfc3339Local)","source":"\#(source)","referrer":\#(referrer),"children":[\#(childFields(p, at: at, police: false, fault: fault ? Int(rng.next() % 3) : nil))],"householdMembers":[{"name":\#(Self.json("\(p.parent) \(p.parentSurname)")),"relationship":"parent","parentalResponsibility":true}],"concerns":[\#(chosen.map(Self.json).joined(separator: ","))],"description":"Synthetic referral \#(i) for rehearsal and testing; it describes no real person."\#(flags),"consent":{"parentsInformed":\#(roll(70)),"consentGiven":\#(roll(60))}}"#
        return Line(text: text, notification: decodeOrFail(text))
    }

    func answer(_ caseId: CaseID, _ agency: Agency, _ at: Timestamp, _ rng: inout SplitMix64) -> String {
        var findings: [String] = []
        for _ in 0..<Int(rng.next() % 3) {
            var indicators: [String] = []
            let r = rng.next() % 100
            if r < 30 { indicators.append("no-trace") } else if r < 35 { indicators.append("previous-child-protection-plan") }
            else if r < 38, agency == .police || agency == .probation { indicators.append("violent-offender-in-household") }
            else if r < 39, agency == .police || agency == .probation { indicators.append("sex-offender-in-household") }
            let shareable = rng.next() % 10 != 0
            findings.append(
                #"{"summary":"\#(agency) record \#(rng.next() % 10000): synthetic finding","shareable":\#(shareable),"indicators":[\#(indicators.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
        }
        return #"{"format":"research/1","caseId":"\#(caseId)","agency":"\#(agency)","respondedAt":"\#(at.rfc3339Local)","findings":[\#(findings.joined(separator: ","))]}"#
    }

    func decodeOrFail(_ text: String) -> MASHNotification {
        guard let n = LineParser.notification(text) else { fatalError("the generator wrote a line its own adapters refuse: \(text)") }
        return n
    }
}
