import Foundation

/// Runs blocking client work on threads of its own. `DispatchQueue.concurrentPerform` runs at
/// most one iteration per core at a time, and the global queues grow slowly past that, so
/// eight "concurrent" clients that block on their sockets would mostly run one after another
/// on a 2-core machine: a benchmark would then measure the client, not mashd.
public enum ClientThreads {
    /// Calls `body(0..<count)` each on its own thread, and returns when all have returned.
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            Thread.detachNewThread {
                body(i)
                group.leave()
            }
        }
        group.wait()
    }

    /// Starts `body` on a thread of its own; `wait` on the result returns when it has ended.
    public static func start(_ body: @escaping @Sendable () -> Void) -> DispatchGroup {
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            body()
            group.leave()
        }
        return group
    }
}
