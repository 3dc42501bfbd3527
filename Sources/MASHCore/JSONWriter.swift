/// Writes JSON text with keys in the order given, so replies and products read the same on
/// every platform (Foundation's `JSONEncoder` key order is not stable on Linux), and fast:
/// products are written by hand with it, in sorted key order, because `JSONEncoder` cost a
/// fifth of the process engine's time.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() { bytes.reserveCapacity(128) }

    public mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// Appends a JSON string literal. Runs of bytes that need no escape are copied whole.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            var start = 0
            for i in 0..<buf.count {
                let c = buf[i]
                guard c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                escape(c)
                start = i + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ c: UInt8) {
        switch c {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
        }
    }

    /// Appends `"key":` after a comma unless `first`.
    public mutating func key(_ k: String, first: Bool = false) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        string(k)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Writes an object whose keys the body gives in sorted order, with commas managed.
    public mutating func object(_ body: (inout ObjectWriter) -> Void) {
        var o = ObjectWriter(writer: self)
        bytes = []
        o.writer.bytes.append(UInt8(ascii: "{"))
        body(&o)
        o.writer.bytes.append(UInt8(ascii: "}"))
        self = o.writer
    }

    public mutating func array<T>(_ items: [T], _ element: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func strings(_ items: [String]) { array(items) { $0.string($1) } }

    /// The fields of one object; nil values are left out, as `JSONEncoder` does.
    public struct ObjectWriter {
        var writer: JSONWriter
        var first = true

        mutating func next(_ key: String) {
            writer.key(key, first: first)
            first = false
        }

        public mutating func field(_ key: String, _ value: String?) {
            guard let value else { return }
            next(key)
            writer.string(value)
        }

        public mutating func field(_ key: String, _ value: Int?) {
            guard let value else { return }
            next(key)
            writer.raw("\(value)")
        }

        public mutating func field(_ key: String, _ value: Int64?) {
            guard let value else { return }
            next(key)
            writer.raw("\(value)")
        }

        public mutating func field(_ key: String, _ value: Bool?) {
            guard let value else { return }
            next(key)
            writer.raw(value ? "true" : "false")
        }

        /// A field written as null when nil.
        public mutating func nullable(_ key: String, _ value: String?) {
            next(key)
            if let value { writer.string(value) } else { writer.raw("null") }
        }

        public mutating func nullable(_ key: String, _ value: Int?) {
            next(key)
            if let value { writer.raw("\(value)") } else { writer.raw("null") }
        }

        public mutating func strings(_ key: String, _ values: [String]?) {
            guard let values else { return }
            next(key)
            writer.strings(values)
        }

        /// A field whose value the closure writes.
        public mutating func value(_ key: String, _ write: (inout JSONWriter) -> Void) {
            next(key)
            write(&writer)
        }
    }
}

