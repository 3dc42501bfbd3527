import Foundation
import MASHClient
import Testing

/// The Prometheus exposition on the metrics socket, after real traffic: lines by format and
/// result (a refused line keeps its format when it named one), the counters an alert
/// watches present at zero, and the decision-latency buckets spanning the timescales.
@Suite(.serialized)
struct MetricsTests {
    @Test func theExpositionCountsLinesByFormatAndResult() throws {
        let dir = Harness.temporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let missing = Harness.merlinExample.replacingOccurrences(of: #""borough":"E09000012","#, with: "")
        let unknownCase = #"{"format":"research/1","caseId":"ZZZ-ZZZM","agency":"health","respondedAt":"2026-11-26T10:00:00Z","findings":[]}"#
        let replies = try Harness.send([Harness.merlinExample, missing, unknownCase, "not json"], to: daemon.socketPath)
        #expect(replies.map(\.ok) == [true, false, false, false])
        let text = try Self.scrape(dir + "/state/metrics.sock")
        let lines = text.split(separator: "\n").map(String.init)
        func value(_ name: String, _ labels: [String]) -> String? {
            lines.first { $0.hasPrefix(name + "{") && labels.allSatisfy($0.contains) }?.split(separator: " ").last.map(String.init)
        }
        #expect(value("mashd_intake_lines_total", [#"format="merlin/1""#, #"result="accepted""#]) == "1", "\(text)")
        #expect(value("mashd_intake_lines_total", [#"format="merlin/1""#, #"result="missing-field""#]) == "1")
        #expect(value("mashd_intake_lines_total", [#"format="research/1""#, #"result="unknown-case""#]) == "1")
        #expect(value("mashd_intake_lines_total", [#"format="unknown""#, #"result="invalid-json""#]) == "1")
        #expect(value("mashd_escalations_total", [#"reason="late""#]) == "0")
        #expect(value("mashd_escalations_total", [#"reason="model-variation""#]) == "0")
        #expect(value("mashd_reloads_total", [#"result="refused""#]) == "0")
        // Red's 4 h, Amber's day and Green's 3 days are bucket bounds.
        for bound in ["14400.0", "86400.0", "259200.0"] {
            #expect(lines.contains { $0.hasPrefix("mashd_decision_latency_seconds_bucket{") && $0.contains(#"le="\#(bound)""#) }, "no bucket \(bound)")
        }
        #expect(!text.contains("Okafor") && !text.contains("MER-26-114072"), "personal data in metrics")
        // Cases by stage and RAG, refreshed with the status (every 5 s): the Amber example
        // waits for research.
        var researching: String?
        for _ in 0..<40 where researching != "1.0" {
            usleep(250_000)
            researching = try Self.scrape(dir + "/state/metrics.sock").split(separator: "\n")
                .first { $0.hasPrefix("mashd_cases{") && $0.contains(#"stage="researching""#) && $0.contains(#"rag="amber""#) }?
                .split(separator: " ").last.map(String.init)
        }
        #expect(researching == "1.0")
        #expect(daemon.stop() == 0)
    }

    /// GET /metrics over a Unix socket; the body.
    static func scrape(_ path: String) throws -> String {
        let fd = try Harness.connect(path)
        defer { close(fd) }
        let request = Array("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let response = String(decoding: Harness.readToEnd(fd), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 200 OK"), "\(response.prefix(200))")
        return response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }
}
