import CoreMetrics
import NIOConcurrencyHelpers

/// mashd's metrics, through swift-metrics (the daemon bootstraps a Prometheus backend). Names
/// and dimensions are fixed here, and each metric object is made once and reused, so a hot
/// path pays for an increment, not a lookup. No dimension ever carries personal data.
public enum Meters {
    private static let counters = MetricCache<[String], Counter>()

    static func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        counters.get([label] + dimensions.flatMap { [$0.0, $0.1] }) { Counter(label: label, dimensions: dimensions) }
    }

    struct LineKey: Hashable {
        var format: String
        var result: String
    }

    private static let lineCounters = MetricCache<LineKey, Counter>()

    /// An intake line by format ("unknown" when unreadable) and result (accepted, duplicate, or
    /// the error code). On the intake path: one dictionary lookup, no string building.
    public static func intakeLine(format: String, result: String) {
        lineCounters.get(LineKey(format: format, result: result)) {
            counter("mashd_intake_lines_total", [("format", format), ("result", result)])
        }.increment()
    }

    public static func product(agency: String, kind: String) {
        counter("mashd_products_total", [("agency", agency), ("kind", kind)]).increment()
    }

    public static func escalation(reason: String) {
        counter("mashd_escalations_total", [("reason", reason)]).increment()
    }

    public static func decision(outcome: String, rag: String) {
        counter("mashd_decisions_total", [("outcome", outcome), ("rag", rag)]).increment()
    }

    public static func reload(result: String) {
        counter("mashd_reloads_total", [("result", result)]).increment()
    }

    /// Time from acceptance to decision.
    public static let decisionLatency = Timer(label: decisionLatencyLabel, preferredDisplayUnit: .seconds)
    public static let decisionLatencyLabel = "mashd_decision_latency_seconds"

    /// The decision-latency histogram's buckets: from cases decided at screening (seconds) to a
    /// week, through each standard timescale (Red 4 h, Amber 1 day, Green 3 days), so the
    /// histogram shows timeliness against them.
    public static let decisionLatencyBuckets: [Duration] = [
        .seconds(1), .seconds(10), .seconds(60), .seconds(600), .seconds(3600), .seconds(2 * 3600), .seconds(4 * 3600),
        .seconds(8 * 3600), .seconds(86400), .seconds(2 * 86400), .seconds(3 * 86400), .seconds(7 * 86400),
    ]

    /// Makes at zero the counters an alert watches and the latency histogram, so they exist
    /// before their first event.
    public static func registerAtZero() {
        for reason in ["unanswered", "late", "model-variation"] { _ = counter("mashd_escalations_total", [("reason", reason)]) }
        for result in ["done", "refused"] { _ = counter("mashd_reloads_total", [("result", result)]) }
        _ = decisionLatency
    }

    private static let gauges = MetricCache<[String], Gauge>()

    static func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        gauges.get([label] + dimensions.flatMap { [$0.0, $0.1] }) { Gauge(label: label, dimensions: dimensions) }
    }

    /// Cases by stage and screening RAG, and the engine's queue, refreshed with the status.
    public static func cases(stage: String, rag: String, count: Int) {
        gauge("mashd_cases", [("stage", stage), ("rag", rag)]).record(count)
    }

    public static func queueDepth(rag: String, count: Int) {
        gauge("mashd_queue_depth", [("rag", rag)]).record(count)
    }
}

/// Metric objects made once per key and reused: making one registers it with the backend, and
/// a hot path should pay for a lookup, not a registration.
final class MetricCache<Key: Hashable & Sendable, Metric: Sendable>: Sendable {
    private let made = NIOLockedValueBox([Key: Metric]())

    func get(_ key: Key, make: () -> Metric) -> Metric {
        made.withLockedValue { m in
            if let existing = m[key] { return existing }
            let new = make()
            m[key] = new
            return new
        }
    }
}
