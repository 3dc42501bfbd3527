import MASHCore

/// Writes JSON text with keys in the order given, so replies read the same on every platform
/// (Foundation's `JSONEncoder` key order is not stable on Linux).
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(128) }

    public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Appends a JSON string literal.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `"key":` after a comma unless `first`.
    public mutating func key(_ k: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }
}

/// The reply lines of formats.md.
public enum IntakeReply {
    /// `{"ok":true,"line":N,"id":...,"ref":...,"rag":...}`, with `duplicate` and `warnings`
    /// where they apply. `rag` is nil for a research answer (absent), `"none"` for an open case.
    public static func accepted(
        line: Int, id: String, ref: String, rag: String?, duplicate: Bool, warnings: [IntakeWarning]
    ) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"ok\":true,\"line\":\(line)")
        w.key("id")
        w.string(id)
        w.key("ref")
        w.string(ref)
        if let rag {
            w.key("rag")
            w.string(rag)
        }
        if duplicate { w.raw(",\"duplicate\":true") }
        if !warnings.isEmpty {
            w.raw(",\"warnings\":[")
            for (i, warning) in warnings.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"code\":")
                w.string(warning.code)
                w.key("field")
                w.string(warning.field)
                w.raw("}")
            }
            w.raw("]")
        }
        w.raw("}\n")
        return w.bytes
    }

    /// `{"ok":false,"line":N,"ref":...,"error":{"code":...,"message":...,"field":...}}`.
    public static func rejected(line: Int, ref: String?, error: IntakeError) -> [UInt8] {
        var w = JSONWriter()
        w.raw("{\"ok\":false,\"line\":\(line)")
        if let ref {
            w.key("ref")
            w.string(ref)
        }
        w.raw(",\"error\":{\"code\":")
        w.string(error.code.description)
        w.key("message")
        w.string(error.message)
        if let field = error.field {
            w.key("field")
            w.string(field)
        }
        w.raw("}}\n")
        return w.bytes
    }
}
