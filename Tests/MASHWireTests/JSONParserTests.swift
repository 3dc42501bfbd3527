import Foundation
@testable import MASHWire
import Testing

/// Builds an expected object by hand.
private func obj(_ members: (String, JSONValue)...) -> JSONValue {
    .object(JSONObject(members: members.map { JSONObject.Member(key: $0.0, value: $0.1) }))
}

private func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue {
    try JSONParser.parse(Array(text.utf8))
}

struct ValidDocument: Sendable, CustomTestStringConvertible {
    var text: String
    var value: JSONValue
    var testDescription: String { text.count > 60 ? String(text.prefix(60)) + "…" : text }
}

struct InvalidDocument: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    init(_ label: String, _ text: String) {
        self.label = label
        self.bytes = Array(text.utf8)
    }
    init(_ label: String, bytes: [UInt8]) {
        self.label = label
        self.bytes = bytes
    }
    var testDescription: String { label }
}

let validDocuments: [ValidDocument] = [
    .init(text: "{}", value: obj()),
    .init(text: "[]", value: .array([])),
    .init(text: " \t\r\n{ } \n", value: obj()),
    .init(text: "null", value: .null),
    .init(text: "true", value: .bool(true)),
    .init(text: "false", value: .bool(false)),
    .init(text: "0", value: .number("0")),
    .init(text: "-0", value: .number("-0")),
    .init(text: "1e10", value: .number("1e10")),
    .init(text: "1.5E-3", value: .number("1.5E-3")),
    .init(text: "-12.25e+02", value: .number("-12.25e+02")),
    .init(text: "123456789012345678901234567890", value: .number("123456789012345678901234567890")),
    .init(text: "0.0", value: .number("0.0")),
    .init(text: "\"\"", value: .string("")),
    .init(text: #""caf\u00e9""#, value: .string("café")),
    .init(text: #""caf\u00E9""#, value: .string("café")),
    .init(text: "\"café\"", value: .string("café")),
    .init(text: #""\ud83d\ude00""#, value: .string("😀")),
    .init(text: #""a\ud83d\ude00b""#, value: .string("a😀b")),
    .init(text: "\"😀\"", value: .string("😀")),
    .init(text: #""\"\\\/\b\f\n\r\t""#, value: .string("\"\\/\u{08}\u{0C}\n\r\t")),
    .init(text: #""\u0000""#, value: .string("\u{0}")),
    .init(text: #""\u001f\u0041""#, value: .string("\u{1F}A")),
    .init(text: #""\uffff""#, value: .string("\u{FFFF}")),
    .init(text: "\"\u{7F}\"", value: .string("\u{7F}")),
    .init(text: #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
          value: obj(("a", .number("1")), ("b", .array([.bool(true), .bool(false), .null])), ("c", obj(("d", .string("e")))))),
    .init(text: #"[1,[2,[3,[4,{"x":[]}]]]]"#,
          value: .array([.number("1"), .array([.number("2"), .array([.number("3"), .array([.number("4"), obj(("x", .array([])))])])])])),
    .init(text: #"{ "b" : 1 , "a" : 2 }"#, value: obj(("b", .number("1")), ("a", .number("2")))),
    .init(text: #"{"a":{"a":{"a":1}}}"#, value: obj(("a", obj(("a", obj(("a", .number("1")))))))),
    .init(text: #"{"":0}"#, value: obj(("", .number("0")))),
    .init(text: #"{"A":1,"a":2}"#, value: obj(("A", .number("1")), ("a", .number("2")))),
    .init(text: #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10}"#,
          value: obj(("a", .number("1")), ("b", .number("2")), ("c", .number("3")), ("d", .number("4")), ("e", .number("5")),
                     ("f", .number("6")), ("g", .number("7")), ("h", .number("8")), ("i", .number("9")), ("j", .number("10")))),
    .init(text: #"["\u2028\u2029"]"#, value: .array([.string("\u{2028}\u{2029}")])),
]

let invalidDocuments: [InvalidDocument] = [
    .init("duplicate key", #"{"a":1,"a":2}"#),
    .init("duplicate key, spelled with an escape", #"{"a":1,"\u0061":2}"#),
    .init("duplicate key in a nested object", #"{"x":{"b":1,"c":2,"b":3}}"#),
    .init("duplicate key in an object in an array", #"[{"k":1},{"k":1,"k":1}]"#),
    .init("duplicate ninth key", #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"a":9}"#),
    .init("duplicate tenth key", #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"e":10}"#),
    .init("duplicate late key", #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"j":12}"#),
    .init("lone high surrogate", #""\ud83d""#),
    .init("lone high surrogate before text", #""\ud83dabcdef""#),
    .init("lone low surrogate", #""\ude00""#),
    .init("low then high surrogate", #""\ude00\ud83d""#),
    .init("high surrogate then a non-surrogate escape", #""\ud83d\u0041""#),
    .init("high surrogate then a second high surrogate", #""\ud83d\ud83d""#),
    .init("high surrogate then \\n", #""\ud83d\n""#),
    .init("bad \\u hex", #""\u00g0""#),
    .init("short \\u", #""\u00e""#),
    .init("invalid escape \\x", #""\x41""#),
    .init("invalid escape \\'", #""\'""#),
    .init("NaN", "NaN"),
    .init("NaN in an object", #"{"a":NaN}"#),
    .init("Infinity", "Infinity"),
    .init("-Infinity", "-Infinity"),
    .init("Infinity in an array", "[Infinity]"),
    .init("trailing comma in an array", "[1,2,]"),
    .init("trailing comma in an object", #"{"a":1,}"#),
    .init("leading comma", "[,1]"),
    .init("double comma", "[1,,2]"),
    .init("leading zero", "01"),
    .init("negative leading zero", "-01"),
    .init("double zero", "00"),
    .init("1.", "1."),
    .init(".5", ".5"),
    .init("+1", "+1"),
    .init("bare -", "-"),
    .init("1e", "1e"),
    .init("1e+", "1e+"),
    .init("hex number", "0x10"),
    .init("single-quoted string", "'a'"),
    .init("single-quoted key", "{'a':1}"),
    .init("unquoted key", "{a:1}"),
    .init("unescaped tab in a string", "\"a\tb\""),
    .init("unescaped newline in a string", "\"a\nb\""),
    .init("unescaped control char after an escape", "\"\\n\u{01}\""),
    .init("raw NUL in a string", bytes: [0x22, 0x61, 0x00, 0x62, 0x22]),
    .init("raw NUL as a value", bytes: [0x00]),
    .init("raw NUL after a value", bytes: [0x7B, 0x7D, 0x00]),
    .init("line comment", "// c\n{}"),
    .init("block comment", "{} /* c */"),
    .init("comment inside", "[1 /* c */]"),
    .init("hash comment", "# c\n{}"),
    .init("trailing garbage", "{}x"),
    .init("two values", "{} {}"),
    .init("two numbers", "1 2"),
    .init("true then digit", "true1"),
    .init("unterminated string", "\"abc"),
    .init("unterminated string after an escape", "\"abc\\"),
    .init("unterminated string with an escape", "\"a\\nbc"),
    .init("unterminated array", "[1,2"),
    .init("unterminated object", #"{"a":1"#),
    .init("key without a value", #"{"a"}"#),
    .init("key and colon without a value", #"{"a":}"#),
    .init("missing colon", #"{"a" 1}"#),
    .init("non-string key", "{1:2}"),
    .init("empty input", ""),
    .init("only white space", " \n\t "),
    .init("truncated literal", "tru"),
    .init("wrong literal", "nul1"),
    .init("capitalised literal", "True"),
    .init("form feed is not white space", "\u{0C}{}"),
    .init("no-break space is not white space", "\u{A0}{}"),
    .init("byte order mark", "\u{FEFF}{}"),
    .init("missing comma between members", #"{"a":1 "b":2}"#),
    .init("missing comma between items", "[1 2]"),
    .init("bracket mismatch", "[1}"),
]

@Suite("JSONParser: strict RFC 8259")
struct JSONParserTests {
    @Test("valid documents", arguments: validDocuments)
    func valid(_ doc: ValidDocument) throws {
        #expect(try parse(doc.text) == doc.value)
    }

    @Test("invalid documents throw a Failure", arguments: invalidDocuments)
    func invalid(_ doc: InvalidDocument) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(doc.bytes) }
    }

    @Test("failures point at the fault", arguments: [
        (#"{"a":1,"a":2}"#, 7),  // the duplicate key's opening quote
        ("[1,2,]", 5),
        ("01", 1),
        ("{}x", 2),
        (#""\ude00""#, 1),  // the escape's backslash
        ("\"abc", 0),  // the unterminated string's opening quote
    ])
    func offsets(text: String, offset: Int) {
        do {
            _ = try parse(text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test("object members keep their written order")
    func memberOrder() throws {
        guard case .object(let o) = try parse(#"{"z":1,"a":2,"m":3}"#) else {
            Issue.record("not an object")
            return
        }
        #expect(o.keys == ["z", "a", "m"])
        #expect(o["a"] == .number("2"))
        #expect(o["q"] == nil)
        #expect(o.count == 3)
    }

    @Test("100,000 '[' throw quickly instead of crashing")
    func deepNesting() {
        let start = ContinuousClock.now
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([UInt8](repeating: UInt8(ascii: "["), count: 100_000)) }
        let closed = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(closed) }
        let objects = Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(objects) }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test("depth 64 is accepted and 65 refused by default", arguments: [("[", "]"), (#"{"k":"#, "}")])
    func depthLimit(open: String, close: String) throws {
        #expect(JSONParser.defaultMaximumDepth == 64)
        let leaf = open == "[" ? "" : "0"
        let d64 = String(repeating: open, count: 64) + leaf + String(repeating: close, count: 64)
        let d65 = String(repeating: open, count: 65) + leaf + String(repeating: close, count: 65)
        _ = try parse(d64)
        #expect(throws: JSONParser.Failure.self) { try parse(d65) }
    }

    @Test("a smaller maximum depth is honoured")
    func customDepth() throws {
        _ = try JSONParser.parse(Array("[[[1]]]".utf8), maximumDepth: 3)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array("[[[[1]]]]".utf8), maximumDepth: 3) }
    }
}
