import MASHCore
import Testing

@Suite("CaseID")
struct CaseIDTests {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    // Worked by hand (Crockford base 32 of sequence + 2^20, then Luhn mod 32), e.g. sequence 1:
    // 2^20 + 1 = 32^4 + 1 -> body "10001". Luhn from the right with factors 2,1,2,1,2:
    // 1*2 = 2, 0, 0, 0, 1*2 = 2; sum 4; (32 - 4) mod 32 = 28 -> W. Text "100-01W".
    // Sequence 0 would be body "10000": sum 2, check 30 -> Y ("100-00Y").
    // Cross-checked with an independent Python implementation of the comment in CaseID.swift.
    @Test("known ids", arguments: [
        (UInt64(1), "100-01W"), (2, "100-02T"), (31, "100-0ZZ"), (32, "100-10X"), (33, "100-11V"),
        (1000, "100-Z8F"), (5000, "104-W8A"), (1_048_575, "1ZZ-ZZ2"), (32_505_855, "ZZZ-ZZ5"),
        (32_505_856, "1000-00Z"), (40_000_000, "174P-G0G"),
    ])
    func known(sequence: UInt64, text: String) throws {
        let id = CaseID(sequence: sequence)
        #expect(id.text == text)
        #expect(id.description == text)
        #expect(id.sequence == sequence)
        let parsed = try #require(CaseID(text))
        #expect(parsed == id)
    }

    @Test("sequence to text to id round-trips for 1...5000")
    func roundTripSmall() {
        var failures: [UInt64] = []
        for s in UInt64(1)...5000 {
            let id = CaseID(sequence: s)
            if id.sequence != s || CaseID(id.text) != id || id.text.count != 7 { failures.append(s) }
        }
        #expect(failures.isEmpty, "failed for \(failures.prefix(10))")
    }

    @Test("round-trips for large sequences", arguments: [
        UInt64(32_505_854), 32_505_855, 32_505_856, 32_505_857, 33_554_432, 39_999_999, 40_000_000,
        1_000_000, 12_345_678, 20_000_000, 31_999_999,
    ])
    func roundTripLarge(sequence: UInt64) throws {
        let id = CaseID(sequence: sequence)
        #expect(id.sequence == sequence)
        let parsed = try #require(CaseID(id.text))
        #expect(parsed.sequence == sequence)
        #expect(parsed.text == id.text)
    }

    @Test("ids keep XXX-XXX up to 32,505,855 and grow after")
    func lengths() {
        #expect(CaseID(sequence: 32_505_855).text.count == 7)
        #expect(CaseID(sequence: 32_505_856).text.count == 8)
        for s: UInt64 in [1, 999, 77_777, 32_505_855] {
            let t = Array(CaseID(sequence: s).text)
            #expect(t[3] == "-")
        }
        #expect(Array(CaseID(sequence: 40_000_000).text)[4] == "-")
    }

    @Test("ids as a person types them", arguments: [
        ("100-01w", UInt64(1)), ("10001W", 1), ("100 01W", 1), (" 100 - 01 W ", 1), ("L00-01W", 1),
        ("I00-01W", 1), ("1OO-O1W", 1), ("loo-olw", 1), ("ioo-oiw", 1), ("100-z8f", 1000), ("104W8A", 5000),
        ("174p-g0g", 40_000_000), ("174PG0G", 40_000_000), ("1000-00z", 32_505_856),
    ])
    func typed(text: String, sequence: UInt64) throws {
        let id = try #require(CaseID(text))
        #expect(id.sequence == sequence)
        #expect(id == CaseID(sequence: sequence))
    }

    @Test("malformed ids are refused", arguments: [
        "", "100", "U00-000", "U00-01W", "100-00Y",  // sequence 0, with a correct check character
        "000-01W", "0100-01W", "100-01", "100-01X", "100-01W!", "100_01W", "1000-01W",
        "100-01WW", "ZZZZZZZZZZZZZZZ",  // 15 characters
        "\u{FF11}00-01W", "100-01\u{1D42}",
    ])
    func malformed(text: String) {
        #expect(CaseID(text) == nil)
    }

    static let sampleSequences: [UInt64] = [1, 2, 33, 1000, 5000, 777_777, 32_505_856, 40_000_000]

    @Test("every single-character substitution is refused", arguments: sampleSequences)
    func substitutions(sequence: UInt64) {
        let text = Array(CaseID(sequence: sequence).text)
        var accepted: [String] = []
        var tried = 0
        for i in text.indices where text[i] != "-" {
            for c in Self.alphabet where c != text[i] {
                var t = text
                t[i] = c
                tried += 1
                if CaseID(String(t)) != nil { accepted.append(String(t)) }
            }
        }
        #expect(tried == (text.count - 1) * 31)
        #expect(accepted.isEmpty, "accepted \(accepted)")
    }

    @Test("adjacent transpositions are refused at least 90% of the time")
    func transpositions() {
        var tried = 0
        var caught = 0
        var sequences = Array(UInt64(1)...5000)
        sequences += [32_505_856, 40_000_000, 777_777, 12_345_678]
        for s in sequences {
            let compact = Array(CaseID(sequence: s).text.filter { $0 != "-" })
            for i in 0..<(compact.count - 1) where compact[i] != compact[i + 1] {
                var t = compact
                t.swapAt(i, i + 1)
                tried += 1
                if CaseID(String(t)) == nil { caught += 1 }
            }
        }
        let fraction = Double(caught) / Double(tried)
        #expect(tried > 20_000)
        #expect(fraction >= 0.9, "caught \(caught) of \(tried)")
    }

    @Test("ids order by sequence")
    func ordering() {
        #expect(CaseID(sequence: 9) < CaseID(sequence: 10))
        #expect(CaseID(sequence: 32_505_855) < CaseID(sequence: 32_505_856))
    }

    // A 13-character body can stand for more than 2^64: "G000000000000" is 16 * 32^12 = 2^64.
    // Its Luhn check character is Z (worked by the same rule as above: only G counts, 16*2 = 32
    // -> 32/32 + 32%32 = 1; (32-1) mod 32 = 31 -> Z). Typed input must never crash mashd or
    // mashctl (the research adapter parses `caseId` with it); it must be refused. This crashed
    // (UInt64 overflow in CaseID.value) until 3a81d94 capped typed ids at 13 characters.
    @Test("an id too large for 64 bits is refused, not a crash")
    func overflowIsRefused() async {
        await #expect(processExitsWith: .success) {
            precondition(CaseID("G000000000000Z") == nil)
        }
        await #expect(processExitsWith: .success) {
            precondition(CaseID("ZZZZZZZZZZZZZD") == nil)
        }
    }
}
