/// A duration written as a number and a unit (`"4h"`, `"30s"`, `"3d"`), as the config file and
/// model files write timescales, so that tests and dry runs can use seconds.
public enum Timescale {
    /// Seconds for `text`, or nil when it is not a positive whole number followed by s, m, h or d.
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, text.count >= 2 else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 12, let n = Int64(digits), n > 0 else {
            return nil
        }
        switch unit {
        case "s": return n
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86_400
        default: return nil
        }
    }

    /// The shortest exact form: `14400` seconds is `"4h"`.
    public static func text(_ seconds: Int64) -> String {
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
