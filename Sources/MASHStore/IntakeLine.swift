import MASHCore
import MASHWire

/// A decoded line with the work that needs no database already done: its children's match
/// keys and its warnings as JSON. It is made on the connection's event loop, so the single
/// writer thread, the throughput bottleneck, only reads and writes rows.
public struct IntakeLine: Sendable {
    public let line: LineDecoder.Line
    /// Per child, its match keys' index strings.
    let childKeys: [[String]]
    let warningsJSON: String?

    public init(_ line: LineDecoder.Line) {
        self.line = line
        if case .notification(let n) = line.decoded.intake {
            childKeys = n.children.map { $0.matchKeys.map(\.indexKey) }
        } else {
            childKeys = []
        }
        let warnings = line.decoded.warnings
        if warnings.isEmpty {
            warningsJSON = nil
        } else {
            var w = JSONWriter()
            w.raw("[")
            for (i, x) in warnings.enumerated() {
                w.raw(i == 0 ? "{\"code\":" : ",{\"code\":")
                w.string(x.code)
                w.key("field")
                w.string(x.field)
                w.raw("}")
            }
            w.raw("]")
            warningsJSON = String(decoding: w.bytes, as: UTF8.self)
        }
    }
}

extension Screening {
    /// The stored JSON form, the same as `JSONEncoder` with sorted keys would write, written by
    /// hand because Foundation's encoder cost a third of the writer thread's time.
    var storedJSON: String {
        var w = JSONWriter()
        w.raw("{")
        var first = true
        if let level {
            w.raw("\"level\":\(level)")
            first = false
        }
        if let rag {
            w.key("rag", first: first)
            w.string(rag.rawValue)
            first = false
        }
        w.key("rationale", first: first)
        w.raw("[")
        for (i, r) in rationale.enumerated() {
            w.raw(i == 0 ? "{\"effect\":" : ",{\"effect\":")
            w.string(r.effect)
            w.key("reason")
            w.string(r.reason)
            w.key("rule")
            w.string(r.rule)
            w.raw("}")
        }
        w.raw("],\"route\":")
        w.string(route.rawValue)
        w.raw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
