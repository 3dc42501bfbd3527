import MASHCore

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
