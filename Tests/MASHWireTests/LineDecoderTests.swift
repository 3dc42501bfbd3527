import MASHCore
import MASHWire
import Testing

/// A stand-in adapter: returns one fixed notification, or fails when the line says `"fail":true`.
struct FakeAdapter: IntakeAdapter {
    var format: String = "fake/1"

    static let notification = MASHNotification(
        format: "fake/1", stream: .police, sourceReference: "FAKE-1", authority: LocalAuthority.named("E09000012")!,
        time: Timestamp(epochMicroseconds: 1_795_727_640_000_000), children: [Child(unborn: true)],
        concerns: [Concern(code: .other, wording: "x")], referrer: Referrer(professional: true),
        flags: NotificationFlags(officerRisk: .low))

    func reference(in object: JSONObject) -> String? {
        if case .string(let s)? = object["ref"] { return s }
        return nil
    }

    func decode(_ object: JSONObject, context: AdapterContext) throws(IntakeError) -> Decoded {
        if case .bool(true)? = object["fail"] { throw .missingField("/ref") }
        return Decoded(intake: .notification(Self.notification), warnings: [IntakeWarning(code: "w", field: "/f")])
    }
}

struct LineCase: Sendable, CustomTestStringConvertible {
    var label: String
    var bytes: [UInt8]
    var bound: String?
    var code: String
    var field: String?
    var reference: String? = nil
    var testDescription: String { label }

    init(_ label: String, _ text: String, bound: String? = nil, code: String, field: String? = nil, reference: String? = nil) {
        self.init(label, bytes: Array(text.utf8), bound: bound, code: code, field: field, reference: reference)
    }

    init(_ label: String, bytes: [UInt8], bound: String? = nil, code: String, field: String? = nil, reference: String? = nil) {
        self.label = label
        self.bytes = bytes
        self.bound = bound
        self.code = code
        self.field = field
        self.reference = reference
    }
}

private func inString(_ raw: [UInt8]) -> [UInt8] { Array(#"{"format":"fake/1","a":""#.utf8) + raw + Array("\"}".utf8) }

let rejectedLines: [LineCase] = [
    .init("C3 28", bytes: inString([0xC3, 0x28]), code: "invalid-utf8"),
    .init("overlong C0 AF", bytes: inString([0xC0, 0xAF]), code: "invalid-utf8"),
    .init("surrogate ED A0 80", bytes: inString([0xED, 0xA0, 0x80]), code: "invalid-utf8"),
    .init("FF", bytes: inString([0xFF]), code: "invalid-utf8"),
    .init("above U+10FFFF", bytes: inString([0xF4, 0x90, 0x80, 0x80]), code: "invalid-utf8"),
    .init("truncated sequence at the end", bytes: Array("{}".utf8) + [0xE2, 0x82], code: "invalid-utf8"),
    .init("lone continuation byte", bytes: [0x80], code: "invalid-utf8"),
    .init("bad UTF-8 on a bound socket", bytes: [0x7B, 0xC3, 0x28, 0x7D], bound: "fake/1", code: "invalid-utf8"),
    .init("broken JSON", "{", code: "invalid-json"),
    .init("NaN", #"{"format":"fake/1","n":NaN}"#, code: "invalid-json"),
    .init("duplicate key", #"{"format":"fake/1","format":"fake/1"}"#, code: "invalid-json"),
    .init("lone surrogate", #"{"format":"fake/1","s":"\ud800"}"#, code: "invalid-json"),
    .init("trailing garbage", #"{"format":"fake/1"} x"#, code: "invalid-json"),
    .init("empty line", "", code: "invalid-json"),
    .init("100,000 [", String(repeating: "[", count: 100_000), code: "invalid-json"),
    .init("an array", #"[{"format":"fake/1"}]"#, code: "not-an-object"),
    .init("a number", "42", code: "not-an-object"),
    .init("a string", #""fake/1""#, code: "not-an-object"),
    .init("null", "null", code: "not-an-object"),
    .init("true", "true", code: "not-an-object"),
    .init("an array on a bound socket", "[]", bound: "fake/1", code: "not-an-object"),
    .init("no format", "{}", code: "missing-field", field: "/format"),
    .init("null format, unbound", #"{"format":null}"#, code: "missing-field", field: "/format"),
    .init("format 42", #"{"format":42}"#, code: "invalid-field", field: "/format"),
    .init("format true", #"{"format":true}"#, code: "invalid-field", field: "/format"),
    .init("format object", #"{"format":{"name":"fake/1"}}"#, code: "invalid-field", field: "/format"),
    .init("format array", #"{"format":["fake/1"]}"#, code: "invalid-field", field: "/format"),
    .init("format 42 on a bound socket", #"{"format":42}"#, bound: "fake/1", code: "invalid-field", field: "/format"),
    .init("unknown format", #"{"format":"nope"}"#, code: "unknown-format", field: "/format"),
    .init("format in the wrong case", #"{"format":"FAKE/1"}"#, code: "unknown-format", field: "/format"),
    .init("bound format contradicted by a known format", #"{"format":"other/1","ref":"R-9"}"#, bound: "fake/1", code: "invalid-field", field: "/format", reference: "R-9"),
    .init("bound format contradicted by an unknown format", #"{"format":"nope"}"#, bound: "fake/1", code: "invalid-field", field: "/format"),
    .init("adapter's own error, with the reference", #"{"format":"fake/1","ref":"R-1","fail":true}"#, code: "missing-field", field: "/ref", reference: "R-1"),
    .init("adapter's own error on a bound socket", #"{"ref":"R-2","fail":true}"#, bound: "fake/1", code: "missing-field", field: "/ref", reference: "R-2"),
]

@Suite("LineDecoder")
struct LineDecoderTests {
    static func decoder(bound: String? = nil) -> LineDecoder {
        LineDecoder(adapters: [FakeAdapter(), FakeAdapter(format: "other/1")], boundFormat: bound)
    }

    @Test("rejections carry the formats.md code", arguments: rejectedLines)
    func rejected(_ c: LineCase) {
        switch Self.decoder(bound: c.bound).decode(c.bytes) {
        case .success(let line):
            Issue.record("accepted as \(line.format)")
        case .failure(let r):
            #expect(r.error.code.description == c.code, "\(r.error)")
            #expect(r.error.field == c.field, "\(r.error)")
            #expect(r.reference == c.reference)
            #expect(!r.error.message.isEmpty)
        }
    }

    @Test("accepted lines", arguments: [
        (#"{"format":"fake/1"}"#, String?.none, "fake/1"),
        (#"{"format":"other/1"}"#, nil, "other/1"),
        (#"{"format":"fake/1","extra":[1,{"x":null}]}"#, nil, "fake/1"),
        ("{}", "fake/1", "fake/1"),
        (#"{"ref":"R-3"}"#, "fake/1", "fake/1"),
        (#"{"format":null}"#, "fake/1", "fake/1"),
        (#"{"format":"fake/1"}"#, "fake/1", "fake/1"),
        (" {\"format\":\"fake/1\"} \t", nil, "fake/1"),
        (#"{"format":"fake/1","name":"Zoë 😀"}"#, nil, "fake/1"),
    ])
    func accepted(text: String, bound: String?, format: String) {
        switch Self.decoder(bound: bound).decode(Array(text.utf8)) {
        case .success(let line):
            #expect(line.format == format)
            #expect(line.text == text)
            #expect(line.decoded.intake == .notification(FakeAdapter.notification))
            #expect(line.decoded.warnings == [IntakeWarning(code: "w", field: "/f")])
        case .failure(let r):
            Issue.record("rejected: \(r.error)")
        }
    }

    @Test("a byte order mark before the JSON is ignored and not stored; one anywhere else is refused")
    func byteOrderMark() {
        let json = #"{"format":"fake/1"}"#
        switch Self.decoder().decode([0xEF, 0xBB, 0xBF] + Array(json.utf8)) {
        case .success(let line): #expect(line.text == json)
        case .failure(let r): Issue.record("rejected: \(r.error)")
        }
        guard case .failure(let r) = Self.decoder().decode(Array(" ".utf8) + [0xEF, 0xBB, 0xBF] + Array(json.utf8)) else {
            Issue.record("accepted a mark after white space")
            return
        }
        #expect(r.error.code == .invalidJSON)
        guard case .failure = Self.decoder().decode([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array(json.utf8)) else {
            Issue.record("accepted two marks")
            return
        }
    }

    @Test("an unknown format's message names the formats this mashd reads")
    func unknownFormatMessage() {
        guard case .failure(let r) = Self.decoder().decode(Array(#"{"format":"nope"}"#.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(r.error.message.contains("fake/1"))
        #expect(r.error.message.contains("other/1"))
    }

    @Test("a decoder with a smaller depth limit refuses deeper lines")
    func depth() {
        let d = LineDecoder(adapters: [FakeAdapter()], maximumDepth: 2)
        guard case .failure(let r) = d.decode(Array(#"{"format":"fake/1","a":[[1]]}"#.utf8)) else {
            Issue.record("accepted")
            return
        }
        #expect(r.error.code == .invalidJSON)
    }
}
