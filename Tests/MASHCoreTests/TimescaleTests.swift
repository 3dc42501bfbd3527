import MASHCore
import Testing

@Suite("Timescale")
struct TimescaleTests {
    @Test("valid timescales in seconds", arguments: [
        ("4h", Int64(14_400)), ("30s", 30), ("3d", 259_200), ("90m", 5_400), ("1s", 1), ("24h", 86_400),
        ("72h", 259_200), ("240m", 14_400), ("1d", 86_400), ("999999999999s", 999_999_999_999),
    ])
    func valid(text: String, seconds: Int64) {
        #expect(Timescale.seconds(text) == seconds)
    }

    @Test("invalid timescales", arguments: [
        "4", "h", "0h", "-1h", "4 h", "4H", "1.5h", "", "+4h", "4hh", "h4", "4w", "4 ", " 4h", "4h ",
        "\u{0664}h",  // an Arabic-Indic digit four
        "\u{FF14}h",  // a full-width four
        "0s", "00m", "1e3s", "9999999999999s",
    ])
    func invalid(text: String) {
        #expect(Timescale.seconds(text) == nil)
    }

    @Test("text writes the shortest exact form", arguments: [
        (Int64(14_400), "4h"), (86_400, "1d"), (259_200, "3d"), (5_400, "90m"), (30, "30s"), (90, "90s"),
        (90_000, "25h"), (60, "1m"), (3_600, "1h"), (172_800, "2d"), (61, "61s"),
    ])
    func text(seconds: Int64, text: String) {
        #expect(Timescale.text(seconds) == text)
    }
}
