import MASHCore

import Foundation

/// A strict RFC 8259 parser for intake lines and model files. Foundation's parser accepts what
/// formats.md forbids (duplicate keys, lone surrogates) and recurses without a limit; this one
/// refuses both and stops at a fixed depth, so 100,000 nested `[` is an error, not a crash.
/// The input must already be valid UTF-8.
public struct JSONParser {
    /// The deepest nesting accepted.
    public static let defaultMaximumDepth = 64

    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        /// Byte offset of the fault.
        public let offset: Int
        public var description: String { "\(message) at byte \(offset + 1)" }
    }

    /// Parses one JSON text. With `positions`, records the byte offset of every value by JSON
    /// pointer, so that a model file's error can name its line.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth,
        positions: UnsafeMutablePointer<[String: Int]>? = nil
    ) throws(Failure) -> JSONValue {
        var p = Parser(bytes: bytes, maximumDepth: maximumDepth, positions: positions)
        p.skipWhitespace()
        let v = try p.value(depth: 0)
        p.skipWhitespace()
        guard p.i == bytes.count else { throw p.fail("unexpected content after the JSON value") }
        return v
    }

    public static func parse(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(Failure) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(Failure) in try parse(raw, maximumDepth: maximumDepth) }
        }
        return try result.get()
    }

    private struct Parser {
        let b: UnsafeRawBufferPointer
        let maximumDepth: Int
        var i = 0
        var positions: UnsafeMutablePointer<[String: Int]>?
        var path: [String] = []

        init(bytes: UnsafeRawBufferPointer, maximumDepth: Int, positions: UnsafeMutablePointer<[String: Int]>?) {
            self.b = bytes
            self.maximumDepth = maximumDepth
            self.positions = positions
        }

        func fail(_ message: String, at offset: Int? = nil) -> Failure {
            Failure(message: message, offset: offset ?? i)
        }

        mutating func skipWhitespace() {
            while i < b.count {
                switch b[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        func describe(_ c: UInt8) -> String {
            if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
            return c == 0 ? "a NUL byte" : "byte 0x\(String(c, radix: 16, uppercase: true))"
        }

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard i < b.count else { throw fail("unexpected end of input, a value was expected") }
            if let positions { positions.pointee["/" + path.joined(separator: "/")] = i }
            switch b[i] {
            case UInt8(ascii: "{"): return try object(depth: depth + 1)
            case UInt8(ascii: "["): return try array(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected \(describe(b[i])), a value was expected")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count else { throw fail("unexpected end of input in a literal") }
            for k in 0..<n where b[i + k] != word.utf8Start[k] {
                throw fail("invalid literal (only true, false and null)")
            }
            i += n
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maximumDepth else { throw fail("nesting deeper than \(maximumDepth) levels") }
            i += 1
            var members: [JSONObject.Member] = []
            var seen: Set<String>? = nil
            skipWhitespace()
            if i < b.count, b[i] == UInt8(ascii: "}") {
                i += 1
                return .object(JSONObject(members: members))
            }
            while true {
                skipWhitespace()
                guard i < b.count else { throw fail("unexpected end of input in an object") }
                guard b[i] == UInt8(ascii: "\"") else { throw fail("unexpected \(describe(b[i])), a key string was expected") }
                let keyStart = i
                let key = try string()
                if members.count >= 8 {
                    if seen == nil { seen = Set(members.map(\.key)) }
                    guard seen!.insert(key).inserted else { throw fail("duplicate key \"\(key)\"", at: keyStart) }
                } else if members.contains(where: { $0.key == key }) {
                    throw fail("duplicate key \"\(key)\"", at: keyStart)
                }
                skipWhitespace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("':' was expected after a key") }
                i += 1
                skipWhitespace()
                if positions != nil { path.append(escapePointer(key)) }
                let v = try value(depth: depth)
                if positions != nil { path.removeLast() }
                members.append(JSONObject.Member(key: key, value: v))
                skipWhitespace()
                guard i < b.count else { throw fail("unexpected end of input in an object") }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "}"):
                    i += 1
                    return .object(JSONObject(members: members))
                default: throw fail("unexpected \(describe(b[i])), ',' or '}' was expected")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maximumDepth else { throw fail("nesting deeper than \(maximumDepth) levels") }
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if i < b.count, b[i] == UInt8(ascii: "]") {
                i += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                if positions != nil { path.append(String(items.count)) }
                items.append(try value(depth: depth))
                if positions != nil { path.removeLast() }
                skipWhitespace()
                guard i < b.count else { throw fail("unexpected end of input in an array") }
                switch b[i] {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "]"):
                    i += 1
                    return .array(items)
                default: throw fail("unexpected \(describe(b[i])), ',' or ']' was expected")
                }
            }
        }

        mutating func number() throws(Failure) -> String {
            let start = i
            func digits(_ p: inout Parser) -> Int {
                let s = p.i
                while p.i < p.b.count, p.b[p.i] >= 0x30, p.b[p.i] <= 0x39 { p.i += 1 }
                return p.i - s
            }
            if b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("invalid number: a digit was expected") }
            if b[i] == UInt8(ascii: "0") {
                i += 1
                if i < b.count, b[i] >= 0x30, b[i] <= 0x39 { throw fail("invalid number: leading zero") }
            } else {
                _ = digits(&self)
            }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard digits(&self) > 0 else { throw fail("invalid number: a digit was expected after '.'") }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard digits(&self) > 0 else { throw fail("invalid number: a digit was expected in the exponent") }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard i + 4 <= b.count else { throw fail("unexpected end of input in a \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                default: throw fail("invalid \\u escape: \(describe(c)) is not a hex digit")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws(Failure) -> String {
            let open = i
            i += 1
            let start = i
            // Fast path: no escapes.
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw fail("unescaped control character (\(describe(c))) in a string") }
                i += 1
            }
            guard i < b.count else { throw fail("unterminated string", at: open) }
            var out = [UInt8](UnsafeRawBufferPointer(rebasing: b[start..<i]))
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if c < 0x20 { throw fail("unescaped control character (\(describe(c))) in a string") }
                if c != UInt8(ascii: "\\") {
                    out.append(c)
                    i += 1
                    continue
                }
                let escapeStart = i
                i += 1
                guard i < b.count else { break }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate escape (a high surrogate without its low half)", at: escapeStart)
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw fail("lone surrogate escape (a high surrogate without its low half)", at: escapeStart)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate escape (a low surrogate without its high half)", at: escapeStart)
                    }
                    out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
                default:
                    throw fail("invalid escape \\\(Character(Unicode.Scalar(e)))", at: escapeStart)
                }
            }
            throw fail("unterminated string", at: open)
        }

        func escapePointer(_ key: String) -> String {
            key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        }
    }
}

