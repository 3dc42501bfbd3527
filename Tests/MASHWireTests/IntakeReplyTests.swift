import MASHWire
import Testing

private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

@Suite("IntakeReply: byte-exact reply lines")
struct IntakeReplyTests {
    @Test("accepted with a RAG")
    func acceptedWithRAG() {
        let b = IntakeReply.accepted(line: 1, id: "100-01W", ref: "MER-26-114072", rag: "amber", duplicate: false, warnings: [])
        #expect(text(b) == #"{"ok":true,"line":1,"id":"100-01W","ref":"MER-26-114072","rag":"amber"}"# + "\n")
    }

    @Test("accepted open case: rag none")
    func acceptedNone() {
        let b = IntakeReply.accepted(line: 12, id: "100-02T", ref: "HK-C-0049113", rag: "none", duplicate: false, warnings: [])
        #expect(text(b) == #"{"ok":true,"line":12,"id":"100-02T","ref":"HK-C-0049113","rag":"none"}"# + "\n")
    }

    @Test("accepted research answer: no rag")
    func acceptedResearch() {
        let b = IntakeReply.accepted(line: 2, id: "100-01W", ref: "100-01W/health", rag: nil, duplicate: false, warnings: [])
        #expect(text(b) == #"{"ok":true,"line":2,"id":"100-01W","ref":"100-01W/health"}"# + "\n")
    }

    @Test("accepted duplicate")
    func acceptedDuplicate() {
        let b = IntakeReply.accepted(line: 3, id: "100-01W", ref: "MER-1", rag: "red", duplicate: true, warnings: [])
        #expect(text(b) == #"{"ok":true,"line":3,"id":"100-01W","ref":"MER-1","rag":"red","duplicate":true}"# + "\n")
    }

    @Test("accepted with warnings")
    func acceptedWarnings() {
        let b = IntakeReply.accepted(
            line: 4, id: "100-01W", ref: "MER-1", rag: "green", duplicate: false,
            warnings: [
                IntakeWarning(code: "invalid-nhs-number", field: "/children/0/nhsNumber"),
                IntakeWarning(code: "invalid-postcode", field: "/children/0/address/postcode"),
            ])
        #expect(
            text(b)
                == #"{"ok":true,"line":4,"id":"100-01W","ref":"MER-1","rag":"green","warnings":[{"code":"invalid-nhs-number","field":"/children/0/nhsNumber"},{"code":"invalid-postcode","field":"/children/0/address/postcode"}]}"#
                + "\n")
    }

    @Test("accepted duplicate with a warning and no rag")
    func acceptedDuplicateWarning() {
        let b = IntakeReply.accepted(
            line: 5, id: "100-01W", ref: "100-01W/yos", rag: nil, duplicate: true,
            warnings: [IntakeWarning(code: "unknown-concern", field: "/concerns/1")])
        #expect(
            text(b)
                == #"{"ok":true,"line":5,"id":"100-01W","ref":"100-01W/yos","duplicate":true,"warnings":[{"code":"unknown-concern","field":"/concerns/1"}]}"#
                + "\n")
    }

    @Test("rejected with ref and field")
    func rejectedFull() {
        let b = IntakeReply.rejected(line: 3, ref: "MER-1", error: .missingField("/children/0/dob"))
        #expect(
            text(b)
                == #"{"ok":false,"line":3,"ref":"MER-1","error":{"code":"missing-field","message":"required field /children/0/dob is missing","field":"/children/0/dob"}}"#
                + "\n")
    }

    @Test("rejected without ref or field")
    func rejectedBare() {
        let b = IntakeReply.rejected(line: 1, ref: nil, error: IntakeError(.invalidJSON, "invalid JSON"))
        #expect(text(b) == #"{"ok":false,"line":1,"error":{"code":"invalid-json","message":"invalid JSON"}}"# + "\n")
    }

    @Test("rejected with a field and no ref")
    func rejectedFieldNoRef() {
        let b = IntakeReply.rejected(line: 7, ref: nil, error: .invalidField("/format", "bad"))
        #expect(text(b) == #"{"ok":false,"line":7,"error":{"code":"invalid-field","message":"bad","field":"/format"}}"# + "\n")
    }

    @Test("every error code is written as formats.md spells it", arguments: [
        (IntakeError.Code.invalidJSON, "invalid-json"), (.notAnObject, "not-an-object"), (.lineTooLong, "line-too-long"),
        (.invalidUTF8, "invalid-utf8"), (.unknownFormat, "unknown-format"), (.missingField, "missing-field"),
        (.invalidField, "invalid-field"), (.unknownCase, "unknown-case"), (.notPermitted, "not-permitted"), (.busy, "busy"),
    ])
    func codes(code: IntakeError.Code, wire: String) {
        let b = IntakeReply.rejected(line: 9, ref: nil, error: IntakeError(code, "m"))
        #expect(text(b) == #"{"ok":false,"line":9,"error":{"code":""# + wire + #"","message":"m"}}"# + "\n")
    }

    @Test("messages, refs and fields are JSON-escaped", arguments: [
        ("say \"hi\"", #"say \"hi\""#),
        ("two\nlines", #"two\nlines"#),
        ("cr\r", #"cr\r"#),
        ("tab\t", #"tab\t"#),
        ("back\\slash", #"back\\slash"#),
        ("bell\u{07}", #"bell\u0007"#),
        ("nul\u{00}", #"nul\u0000"#),
        ("esc\u{1B}", #"esc\u001b"#),
        ("us\u{1F}", #"us\u001f"#),
        ("bs\u{08}ff\u{0C}", #"bs\u0008ff\u000c"#),
        ("slash /", "slash /"),
        ("caf\u{E9} \u{1F600}", "caf\u{E9} \u{1F600}"),
    ])
    func escaping(raw: String, escaped: String) {
        let b = IntakeReply.rejected(line: 1, ref: raw, error: IntakeError(.invalidField, raw, field: raw))
        #expect(
            text(b)
                == #"{"ok":false,"line":1,"ref":""# + escaped + #"","error":{"code":"invalid-field","message":""# + escaped
                + #"","field":""# + escaped + #""}}"# + "\n")
        let a = IntakeReply.accepted(line: 1, id: "100-01W", ref: raw, rag: nil, duplicate: false, warnings: [IntakeWarning(code: raw, field: raw)])
        #expect(
            text(a)
                == #"{"ok":true,"line":1,"id":"100-01W","ref":""# + escaped + #"","warnings":[{"code":""# + escaped + #"","field":""#
                + escaped + #""}]}"# + "\n")
    }

    @Test("every reply is one line of strict JSON")
    func repliesParse() throws {
        let nasty = "a\"b\\c\nd\u{01}e\u{2028}"
        for b in [
            IntakeReply.rejected(line: 1, ref: nasty, error: IntakeError(.busy, nasty, field: nasty)),
            IntakeReply.accepted(line: 2, id: nasty, ref: nasty, rag: nasty, duplicate: true, warnings: [IntakeWarning(code: nasty, field: nasty)]),
        ] {
            #expect(b.last == 0x0A)
            #expect(b.dropLast().allSatisfy { $0 != 0x0A })
            _ = try JSONParser.parse(Array(b.dropLast()))
        }
    }
}
