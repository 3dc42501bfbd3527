import MASHCore
import Testing

/// Expected instants were checked with `date -u -d TEXT +%s` and Python's datetime, not with the
/// code under test. (2026-11-26T21:14:00Z is 1795727640 s; 1795734840 is 23:14Z.)
@Suite("Timestamp: RFC 3339")
struct TimestampTests {
    static let validTimes: [(String, Int64, Int)] = [
        ("2026-11-26T21:14:00Z", 1_795_727_640_000_000, 0),
        ("2026-11-26t21:14:00z", 1_795_727_640_000_000, 0),
        ("2026-11-26T21:14:00z", 1_795_727_640_000_000, 0),
        ("2026-11-26t21:14:00Z", 1_795_727_640_000_000, 0),
        ("2026-11-26T21:14:00+00:00", 1_795_727_640_000_000, 0),
        ("2026-11-26T21:14:00-00:00", 1_795_727_640_000_000, 0),
        ("2026-11-26T22:14:00+01:00", 1_795_727_640_000_000, 60),
        ("2026-11-26T21:14:00-05:30", 1_795_747_440_000_000, -330),
        ("2026-11-26T23:30:00-01:00", 1_795_739_400_000_000, -60),
        ("2026-11-27T00:30:00Z", 1_795_739_400_000_000, 0),
        ("2000-02-29T12:00:00+14:00", 951_775_200_000_000, 840),
        ("2026-11-26T21:14:00+23:59", 1_795_727_640_000_000 - 1439 * 60_000_000, 1439),
        ("2026-11-26T21:14:00-23:59", 1_795_727_640_000_000 + 1439 * 60_000_000, -1439),
        ("2026-11-26T21:14:00.5Z", 1_795_727_640_500_000, 0),
        ("2026-11-26T21:14:00.1Z", 1_795_727_640_100_000, 0),
        ("2026-11-26T21:14:00.12Z", 1_795_727_640_120_000, 0),
        ("2026-11-26T21:14:00.123Z", 1_795_727_640_123_000, 0),
        ("2026-11-26T21:14:00.1234Z", 1_795_727_640_123_400, 0),
        ("2026-11-26T21:14:00.12345Z", 1_795_727_640_123_450, 0),
        ("2026-11-26T21:14:00.123456Z", 1_795_727_640_123_456, 0),
        ("2026-11-26T21:14:00.1234567Z", 1_795_727_640_123_456, 0),
        ("2026-11-26T21:14:00.12345678Z", 1_795_727_640_123_456, 0),
        ("2026-11-26T21:14:00.123456789Z", 1_795_727_640_123_456, 0),
        ("2026-11-26T21:14:00.000000001Z", 1_795_727_640_000_000, 0),
        ("2026-11-26T21:14:00.25+01:00", 1_795_724_040_250_000, 60),
        ("2016-12-31T23:59:60Z", 1_483_228_800_000_000, 0),
        ("2016-12-31T23:59:60.5Z", 1_483_228_800_500_000, 0),
        ("1970-01-01T00:00:00Z", 0, 0),
        ("1969-12-31T23:59:59Z", -1_000_000, 0),
        ("1969-12-31T23:59:59.5Z", -500_000, 0),
        ("0001-01-01T00:00:00Z", -62_135_596_800_000_000, 0),
        ("9999-12-31T23:59:59Z", 253_402_300_799_000_000, 0),
    ]

    @Test("valid date-times", arguments: validTimes)
    func valid(text: String, micros: Int64, offset: Int) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.epochMicroseconds == micros)
        #expect(t.offsetMinutes == offset)
    }

    @Test("invalid date-times", arguments: [
        "2026-11-26T21:14:00",  // no offset
        "2026-11-26 21:14:00Z",  // space for T
        "2026-11-26T24:00:00Z",  // hour 24
        "2026-11-26T21:60:00Z",  // minute 60
        "2026-11-26T21:14:61Z",  // second 61
        "2026-11-26T21:14:00+24:00",  // offset hour 24
        "2026-11-26T21:14:00+05:60",  // offset minute 60
        "2026-11-26T21:14:00.Z",  // empty fraction
        "2026-11-26T21:14:00.+01:00",
        "2026-11-26T21:14:00,5Z",  // comma fraction
        "2026-11-26T21:14:00.5",  // fraction, no offset
        "2026-11-26T21:14:00Zjunk",
        "2026-11-26T21:14:00Z ",
        " 2026-11-26T21:14:00Z",
        "2026-11-26T21:14:00ZZ",
        "2026-11-26T21:14:00+01:00Z",
        "2026-11-26T21:14:00+0100",
        "2026-11-26T21:14:00+01",
        "2026-11-26T21:14:00+1:00",
        "2026-11-26T21:14:00+01:00:00",
        "2026-11-26T21:14:00 +01:00",
        "2026-11-26T21:14:00UTC",
        "2026-11-26T21:14:00GMT",
        "2026-11-26T21:14Z",
        "2026-11-26T21:14:0Z",
        "2026-11-26T2:14:00Z",
        "2026-11-26T21-14-00Z",
        "2026-11-26T2a:14:00Z",
        "2026-11-26T21:14:00.5a",
        "2026-11-26X21:14:00Z",
        "2026-11-26",
        "",
        "2026-02-30T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "26-11-26T21:14:00Z",
        "2026-11-2\u{E9}T21:14:00Z",
        "2026-11-26T21:14:00\u{2212}01:00",
        "2026-11-26T21:14:00+\u{FF10}1:00",
    ])
    func invalid(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("the local date is the date at the written offset", arguments: [
        ("2026-11-26T23:30:00-01:00", "2026-11-26"),
        ("2026-11-27T00:30:00Z", "2026-11-27"),
        ("2026-11-27T00:30:00+01:00", "2026-11-27"),
        ("2026-11-26T23:30:00+01:00", "2026-11-26"),
        ("2026-11-26T10:30:00-13:00", "2026-11-26"),
        ("2026-11-26T23:59:59.999999Z", "2026-11-26"),
        ("2026-11-27T00:00:00Z", "2026-11-27"),
        ("2000-02-29T12:00:00+14:00", "2000-02-29"),
        ("1970-01-01T00:30:00+01:00", "1970-01-01"),
        ("1969-12-31T23:30:00-01:00", "1969-12-31"),
    ])
    func localDate(text: String, date: String) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.localDate.description == date)
    }

    static let utcTexts: [(Int64, Int, String)] = [
        (1_795_727_640_000_000, 0, "2026-11-26T21:14:00.000Z"),
        (1_795_727_640_123_456, 0, "2026-11-26T21:14:00.123Z"),
        (1_795_727_640_999_999, 0, "2026-11-26T21:14:00.999Z"),
        (1_795_727_640_010_000, 0, "2026-11-26T21:14:00.010Z"),
        (1_795_727_640_001_000, 0, "2026-11-26T21:14:00.001Z"),
        (1_795_739_400_000_000, -60, "2026-11-27T00:30:00.000Z"),
        (951_775_200_000_000, 840, "2000-02-28T22:00:00.000Z"),
        (0, 0, "1970-01-01T00:00:00.000Z"),
        (-1, 0, "1969-12-31T23:59:59.999Z"),
        (-1_000, 0, "1969-12-31T23:59:59.999Z"),
        (-62_135_596_800_000_000, 0, "0001-01-01T00:00:00.000Z"),
        (253_402_300_799_000_000, 0, "9999-12-31T23:59:59.000Z"),
    ]

    @Test("rfc3339UTC writes UTC with milliseconds", arguments: utcTexts)
    func rfc3339UTC(micros: Int64, offset: Int, text: String) {
        #expect(Timestamp(epochMicroseconds: micros, offsetMinutes: offset).rfc3339UTC == text)
    }

    @Test("parsing what rfc3339UTC wrote gives the same instant")
    func utcRoundTrip() throws {
        let t = Timestamp(epochMicroseconds: 1_795_727_640_123_000, offsetMinutes: 330)
        let back = try #require(Timestamp(rfc3339: t.rfc3339UTC))
        #expect(back.epochMicroseconds == 1_795_727_640_123_000)
        #expect(back.offsetMinutes == 0)
    }

    @Test("rfc3339Local keeps the written offset", arguments: [
        ("2026-11-26T23:30:00-01:00", "2026-11-26T23:30:00-01:00"),
        ("2026-11-26T21:14:00.5+05:30", "2026-11-26T21:14:00.5+05:30"),
        ("2026-11-26T21:14:00.000Z", "2026-11-26T21:14:00Z"),
        ("2026-11-26t21:14:00.123456z", "2026-11-26T21:14:00.123456Z"),
    ])
    func local(text: String, written: String) throws {
        let t = try #require(Timestamp(rfc3339: text))
        #expect(t.rfc3339Local == written)
    }

    @Test("ordering is by instant, whatever the offset")
    func ordering() throws {
        let a = try #require(Timestamp(rfc3339: "2026-11-26T23:30:00+01:00"))  // 22:30Z
        let b = try #require(Timestamp(rfc3339: "2026-11-26T23:00:00Z"))
        #expect(a < b)
    }

    @Test("adding seconds keeps the written offset")
    func adding() throws {
        let t = try #require(Timestamp(rfc3339: "2026-11-26T21:14:00-01:00"))
        let later = t.adding(seconds: 4 * 3600)
        #expect(later.epochMicroseconds == 1_795_731_240_000_000 + 4 * 3_600_000_000)
        #expect(later.offsetMinutes == -60)
        #expect(later.rfc3339UTC == "2026-11-27T02:14:00.000Z")
    }

    // The parser accepts these: their local date is within 0001...9999, but their UTC instant is
    // not. Writing them (a product's createdAt, a deadline, the store) must not crash mashd.
    @Test("an accepted time at the edge of the calendar can be written without a crash")
    func edgeOfCalendar() async {
        await #expect(processExitsWith: .success) {
            if let t = Timestamp(rfc3339: "0001-01-01T00:00:00+01:00") { _ = t.rfc3339UTC }
        }
        await #expect(processExitsWith: .success) {
            if let t = Timestamp(rfc3339: "9999-12-31T23:30:00-01:00") { _ = t.rfc3339UTC }
        }
    }
}
