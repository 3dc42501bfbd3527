import Foundation

/// A sequence of lines fed from another thread: iteration blocks until a line is pushed or the
/// queue is closed. It lets one connection carry lines that are only known once earlier
/// replies have arrived (research answers for cases just accepted).
public final class LineQueue: Sequence, @unchecked Sendable {
    private let condition = NSCondition()
    private var lines: [[UInt8]] = []
    private var head = 0
    private var closed = false

    public init() {}

    public func push(_ line: [UInt8]) {
        condition.lock()
        lines.append(line)
        condition.signal()
        condition.unlock()
    }

    /// Nothing is waiting to be taken right now.
    public var isEmptyNow: Bool {
        condition.lock()
        defer { condition.unlock() }
        return head == lines.count
    }

    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    public struct Iterator: IteratorProtocol {
        let queue: LineQueue
        public mutating func next() -> [UInt8]? { queue.take() }
    }

    public func makeIterator() -> Iterator { Iterator(queue: self) }

    func take() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        while head == lines.count && !closed { condition.wait() }
        guard head < lines.count else { return nil }
        let line = lines[head]
        head += 1
        if head > 4096 {
            lines.removeFirst(head)
            head = 0
        }
        return line
    }
}
