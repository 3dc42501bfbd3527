import MASHCore
import Testing

@Suite("NHS number")
struct NHSNumberTests {
    // 9434765919: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 mod 11 = 2; 11-2 = 9.
    // 4010232137: 40+0+8+0+12+15+8+3+6 = 92; 92 mod 11 = 4; 11-4 = 7.
    // 0100000010: 1*9 + 1*2 = 11; 11 mod 11 = 0; 11-0 = 11, which becomes 0.
    // 0000000000: sum 0, check 11, which becomes 0.
    @Test("valid NHS numbers normalise to ten digits", arguments: [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943  476  5919", "9434765919"),
        (" 9434765919 ", "9434765919"),
        ("9 4 3 4 7 6 5 9 1 9", "9434765919"),
        ("4010232137", "4010232137"),
        ("401 023 2137", "4010232137"),
        ("0100000010", "0100000010"),
        ("0000000000", "0000000000"),
    ])
    func valid(value: String, normalised: String) {
        #expect(NHSNumber.normalise(value) == normalised)
        let id = ChildIdentifier.nhsNumber(value)
        #expect(id.isValid)
        #expect(id.value == value)
        #expect(id.normalised == normalised)
    }

    @Test("invalid NHS numbers", arguments: [
        "9434765918",  // wrong check digit (MASH.md)
        "9434765910", "4010232136", "4934765919",  // first two digits swapped: 40+81+173 = 294, check 3
        "943476591",  // 9 digits
        "94347659190",  // 11 digits
        "943476591A", "A434765919", "94347G5919",
        "943-476-5919", "943.476.5919", "", "          ",
        "\u{FF19}434765919",  // a full-width digit
        "+9434765919", "-9434765919",
    ])
    func invalid(value: String) {
        #expect(NHSNumber.normalise(value) == nil)
        let id = ChildIdentifier.nhsNumber(value)
        #expect(!id.isValid)
        #expect(id.normalised == nil)
        #expect(id.value == value)
    }

    // 123456789d: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+9*2 = 210; 210 mod 11 = 1; 11-1 = 10.
    // 100000001d: 1*10 + 1*2 = 12; 12 mod 11 = 1; 11-1 = 10.
    // A check of 10 means the number is invalid, whatever the tenth digit is.
    @Test("a number whose check computes to 10 is invalid for every tenth digit", arguments: ["123456789", "100000001"], 0...9)
    func checkOfTen(prefix: String, last: Int) {
        #expect(NHSNumber.normalise(prefix + "\(last)") == nil)
    }
}

@Suite("UPN")
struct UPNTests {
    // Alphabet ABCDEFGHJKLMNPQRTUVWXYZ: A0 B1 C2 D3 E4 F5 G6 H7 J8 K9 L10 M11 N12 P13 Q14 R15 T16
    // U17 V18 W19 X20 Y21 Z22.
    // B801200005001: 8*2 + 1*4 + 2*5 + 5*10 + 1*13 = 93; 93 mod 23 = 1 -> B.
    // H801200101013: 8*2 + 1*4 + 2*5 + 1*8 + 1*10 + 1*12 + 3*13 = 99; 99 mod 23 = 7 -> H.
    // Temporary UPN M80120000500A: 8*2 + 1*4 + 2*5 + 5*10 + A(0)*13 = 80; 80 mod 23 = 11 -> M.
    // Temporary UPN Q80120000500C: 80 + C(2)*13 = 106; 106 mod 23 = 14 -> Q.
    // Temporary UPN A80120000500Z: 80 + Z(22)*13 = 366; 366 mod 23 = 366 - 345 = 21 -> Y, so
    //   Y80120000500Z is valid and A80120000500Z is not.
    @Test("valid UPNs normalise to upper case", arguments: [
        ("B801200005001", "B801200005001"),
        ("H801200101013", "H801200101013"),
        ("h801200101013", "H801200101013"),
        ("b801200005001", "B801200005001"),
        ("M80120000500A", "M80120000500A"),
        ("Q80120000500C", "Q80120000500C"),
        ("q80120000500c", "Q80120000500C"),
        ("Y80120000500Z", "Y80120000500Z"),
    ])
    func valid(value: String, normalised: String) {
        #expect(UPN.normalise(value) == normalised)
        let id = ChildIdentifier.upn(value)
        #expect(id.isValid)
        #expect(id.normalised == normalised)
        #expect(id.value == value)
    }

    @Test("invalid UPNs", arguments: [
        "A801200005001",  // MASH.md
        "C801200005001", "H801200101014", "B801200005002",
        "I801200005001", "O801200005001", "S801200005001",  // I, O, S are not check letters
        "M80120000500I", "M80120000500O", "M80120000500S",  // nor final letters
        "A80120000500Z",
        "B80120000500",  // 12 characters
        "B8012000050011",  // 14 characters
        "B8012000050A1",  // a letter before the last position
        "BA01200005001",
        "1801200005001",  // a digit where the check letter goes
        "B801200005001 ", " B801200005001", "B801 2000 05001", "", "B",
        "B80120000500\u{FF11}",
    ])
    func invalid(value: String) {
        #expect(UPN.normalise(value) == nil)
        #expect(!ChildIdentifier.upn(value).isValid)
    }
}

@Suite("Postcode shape")
struct PostcodeTests {
    @Test("UK postcode shapes", arguments: [
        "E8 4RP", "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT",
        "e8 4rp", "EC1A1BB", "E5 0JD",
    ])
    func valid(value: String) {
        #expect(Postcode.looksValid(value))
    }

    @Test("not postcode shapes", arguments: [
        "E8", "12345", "EE8 4RP X", "", "E8 4R", "E8 RP4", "1E8 4RP", "SW1A 1A1", "ABCDE 1AA", "E 4RP",
        "SW1AA 1AA", "E8-4RP",
    ])
    func invalid(value: String) {
        #expect(!Postcode.looksValid(value))
    }
}
