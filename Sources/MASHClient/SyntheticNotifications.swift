import MASHCore

/// Deterministic synthetic notifications in both formats, for benchmarks and tests: the same
/// seed always gives the same lines. References carry a prefix so that runs do not collide.
public struct SyntheticNotifications: Sendable {
    public var seed: UInt64
    public var prefix: String

    public init(seed: UInt64, prefix: String) {
        self.seed = seed
        self.prefix = prefix
    }

    static let surnames = ["Okafor", "Marsh", "Khan", "Nowak", "Silva", "Adeyemi", "Smith", "Patel", "Murphy", "Rossi", "Ahmed", "Jones"]
    static let forenames = ["Amara", "Leo", "Aisha", "Jakub", "Maria", "Tunde", "Olivia", "Ravi", "Sean", "Giulia", "Yusuf", "Ella"]
    static let policeWords = ["DV", "CSE", "missing from home", "county lines", "neglect", "assault", "child present", "self harm"]
    static let laCodes = [
        "neglect", "emotional-abuse", "parental-mental-health", "parental-substance-misuse", "domestic-abuse",
        "physical-abuse", "young-carer", "online-harm", "housing", "child-mental-health",
    ]
    static let triggers = ["domestic-incident", "missing", "arrest", "search", "victim", "custody", "other"]

    /// The `n`th line (from 0): even lines are police, odd lines local authority.
    public func line(_ n: Int) -> String {
        var rng = SplitMix64(seed: seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
        let borough = String(format2: 1 + Int(rng.next() % 33))
        let surname = pick(Self.surnames), forename = pick(Self.forenames)
        let year = 2009 + Int(rng.next() % 17), month = 1 + Int(rng.next() % 12), day = 1 + Int(rng.next() % 28)
        let dob = "\(year)-\(String(format2: month))-\(String(format2: day))"
        let hour = String(format2: Int(rng.next() % 24)), minute = String(format2: Int(rng.next() % 60))
        let date = "2026-\(String(format2: 1 + Int(rng.next() % 11)))-\(String(format2: 1 + Int(rng.next() % 28)))"
        if n % 2 == 0 {
            let words = (0..<(1 + Int(rng.next() % 2))).map { _ in "\"\(pick(Self.policeWords))\"" }.joined(separator: ",")
            return #"{"format":"merlin/1","merlinRef":"\#(prefix)-M\#(n)","borough":"E090000\#(borough)","createdAt":"\#(date)T\#(hour):\#(minute):00Z","trigger":"\#(pick(Self.triggers))","referralType":"\#(rng.next() % 3 == 0 ? "information-exchange" : "formal-referral")","officerRisk":"\#(rng.next() % 4 == 0 ? "high" : "low")","concerns":[\#(words)],"children":[{"surname":"\#(surname)","forenames":"\#(forename)","dob":"\#(dob)","gender":"F","address":{"line1":"\#(1 + rng.next() % 200) High Street","town":"London","postcode":"E8 4RP"}}],"adults":[{"surname":"\#(surname)","forenames":"Sam","relationship":"parent","role":"parent"}],"officer":{"name":"PC A Officer","warrantNumber":"\#(100000 + rng.next() % 900000)","unit":"ERT"},"circumstances":"Synthetic notification for testing; no real person."}"#
        } else {
            let codes = (0..<(1 + Int(rng.next() % 3))).map { _ in "\"\(pick(Self.laCodes))\"" }.joined(separator: ",")
            return #"{"format":"la-referral/1","contactId":"\#(prefix)-L\#(n)","localAuthority":"E090000\#(borough)","receivedAt":"\#(date)T\#(hour):\#(minute):00Z","source":"2A","referrer":{"name":"A Teacher","role":"DSL","organisation":"A School","professional":true},"children":[{"firstName":"\#(forename)","lastName":"\#(surname)","dob":"\#(dob)","gender":"M","address":{"line1":"\#(1 + rng.next() % 200) Low Road","town":"London","postcode":"E5 0JD"}}],"concerns":[\#(codes)],"description":"Synthetic referral for testing; no real person."}"#
        }
    }
}

extension String {
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
}
