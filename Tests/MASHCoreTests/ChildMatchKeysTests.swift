import Foundation
import MASHCore
import Testing

@Suite("PersonName")
struct PersonNameTests {
    @Test("normalise trims, collapses white space and folds case", arguments: [
        ("Okafor", "okafor"), ("  Okafor  ", "okafor"), ("OKAFOR", "okafor"), ("OKAFOR ", "okafor"),
        ("van  der   Berg", "van der berg"), ("\tO'Brien\n", "o'brien"), ("Amara  Grace", "amara grace"),
        ("", ""), ("   ", ""), ("\u{00D6}ZT\u{00DC}RK", "\u{00F6}zt\u{00FC}rk"), ("Smith\u{00A0}Jones", "smith jones"),
    ])
    func normalise(raw: String, normalised: String) {
        #expect(PersonName.normalise(raw) == normalised)
    }

    // Unicode case folding (not plain lower-casing) makes these meet, as "case is folded" asks.
    @Test("case folding equates names that lower-casing keeps apart", arguments: [
        ("WEISS", "Wei\u{00DF}"),  // ß folds to ss
        ("\u{03A3}\u{039F}\u{03A6}\u{039F}\u{03A3}", "\u{03A3}\u{03BF}\u{03C6}\u{03BF}\u{03C2}"),  // final sigma
    ])
    func caseFolding(a: String, b: String) {
        // Bytes, not Swift's `==` (which compares canonically): the store compares keys byte
        // for byte.
        #expect(Array(PersonName.normalise(a).utf8) == Array(PersonName.normalise(b).utf8))
    }

    @Test("a name typed composed (NFC) or decomposed (NFD) normalises to the same bytes", arguments: [
        ("Zo\u{00EB}", "Zoe\u{0308}"), ("Z\u{00D6}E", "zo\u{0308}e"), ("Ren\u{00E9}e  Fran\u{00E7}oise", "Rene\u{0301}e Franc\u{0327}oise"),
        ("\u{1EC7}", "e\u{0323}\u{0302}"), ("\u{1EC7}", "e\u{0302}\u{0323}"),
    ])
    func canonicalForms(a: String, b: String) {
        #expect(Array(PersonName.normalise(a).utf8) == Array(PersonName.normalise(b).utf8))
        #expect(Array(PersonName.normalise(a).utf8) == Array(PersonName.normalise(a.decomposedStringWithCanonicalMapping).utf8))
    }

    @Test("first forename is the first word, normalised", arguments: [
        ("Amara  Grace", "amara"), ("  AMARA grace ", "amara"), ("Amara", "amara"), ("Jean-Luc Picard", "jean-luc"),
        ("\tLeo\nJames", "leo"),
    ])
    func firstForename(raw: String, first: String) {
        #expect(PersonName.firstForename(raw) == first)
    }

    @Test("no first forename", arguments: [String?.none, "", "   ", "\t\n"])
    func noFirstForename(raw: String?) {
        #expect(PersonName.firstForename(raw) == nil)
    }
}

@Suite("Child.matchKeys")
struct ChildMatchKeysTests {
    static let dob = FullDate(year: 2025, month: 9, day: 3)!

    @Test("a child with every identifier has three keys")
    func allKeys() {
        let c = Child(
            surname: "  OKAFOR ", forenames: "Amara  Grace", dateOfBirth: Self.dob,
            nhsNumber: .nhsNumber("943 476 5919"), upn: .upn("h801200101013"))
        #expect(
            Set(c.matchKeys) == [
                .nhsNumber("9434765919"), .upn("H801200101013"),
                .nameAndBirth(surname: "okafor", firstForename: "amara", dateOfBirth: Self.dob),
            ])
        #expect(
            Set(c.matchKeys.map(\.indexKey)) == ["nhs:9434765919", "upn:H801200101013", "name:okafor|amara|2025-09-03"])
    }

    @Test("a police and a front-door spelling of the same child share every key")
    func sameChildAcrossStreams() {
        let police = Child(surname: "OKAFOR ", forenames: " AMARA GRACE", dateOfBirth: Self.dob, nhsNumber: .nhsNumber("9434765919"))
        let school = Child(surname: "Okafor", forenames: "Amara", dateOfBirth: Self.dob, nhsNumber: .nhsNumber("943 476 5919"))
        #expect(Set(police.matchKeys) == Set(school.matchKeys))
        #expect(police.matchKeys.count == 2)
    }

    @Test("invalid identifiers give no key", arguments: [
        ("9434765918", "H801200101013", [ChildKey.upn("H801200101013")]),
        ("9434765919", "A801200005001", [ChildKey.nhsNumber("9434765919")]),
        ("1234567890", "B80120000500", []),
        ("943476591", "I801200005001", []),
    ])
    func invalidIdentifiers(nhs: String, upn: String, keys: [ChildKey]) {
        let c = Child(nhsNumber: .nhsNumber(nhs), upn: .upn(upn))
        #expect(Set(c.matchKeys) == Set(keys))
    }

    @Test("an unborn child without a date of birth has no name key")
    func unbornNoNameKey() {
        let c = Child(
            surname: "Okafor", forenames: "Baby", unborn: true, expectedDate: FullDate(year: 2027, month: 2, day: 1),
            nhsNumber: .nhsNumber("4010232137"))
        #expect(c.matchKeys == [.nhsNumber("4010232137")])
        let bare = Child(surname: "Okafor", forenames: "Baby", unborn: true, expectedDate: FullDate(year: 2027, month: 2, day: 1))
        #expect(bare.matchKeys.isEmpty)
    }

    @Test("no name key without a surname, a forename and a date of birth", arguments: [
        (String?.none, String?.some("Amara")), ("   ", "Amara"), ("", "Amara"), ("Okafor", nil), ("Okafor", ""),
        ("Okafor", "   "),
    ])
    func incompleteName(surname: String?, forenames: String?) {
        let c = Child(surname: surname, forenames: forenames, dateOfBirth: Self.dob)
        #expect(c.matchKeys.isEmpty)
    }

    @Test("no name key without a date of birth")
    func noDateOfBirth() {
        #expect(Child(surname: "Okafor", forenames: "Amara").matchKeys.isEmpty)
    }

    @Test("different dates of birth give different name keys")
    func differentBirth() {
        let a = Child(surname: "Okafor", forenames: "Amara", dateOfBirth: Self.dob)
        let b = Child(surname: "Okafor", forenames: "Amara", dateOfBirth: FullDate(year: 2025, month: 9, day: 4))
        #expect(Set(a.matchKeys).isDisjoint(with: Set(b.matchKeys)))
    }

    @Test("under one or unborn on a date", arguments: [
        ("2025-11-27", "2026-11-26", true), ("2025-11-26", "2026-11-26", false), ("2024-02-29", "2025-02-28", true),
        ("2024-02-29", "2025-03-01", false), ("2016-05-14", "2026-11-26", false),
    ])
    func underOne(dob: String, on: String, expected: Bool) throws {
        let birth = try #require(FullDate(rfc3339: dob))
        let c = Child(dateOfBirth: birth)
        #expect(c.isUnderOneOrUnborn(on: try #require(FullDate(rfc3339: on))) == expected)
    }

    @Test("an unborn child counts as under one")
    func unbornIsUnderOne() {
        let c = Child(unborn: true, expectedDate: FullDate(year: 2027, month: 2, day: 1))
        #expect(c.isUnderOneOrUnborn(on: FullDate(year: 2026, month: 11, day: 26)!))
    }
}
