import Foundation

/// Work done in order on a queue of its own, behind the caller: the dry run's store batches
/// and product files are written while the simulation goes on. At most `depth` batches wait,
/// so memory stays bounded when the caller runs ahead of the disk. The first error stops every
/// later batch (what they would write belongs to a run that has failed) and is thrown to the
/// caller at its next `submit` or at `finish`.
public final class BatchWriter: @unchecked Sendable {
    private let queue: DispatchQueue
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var error: (any Error)?

    public init(label: String, depth: Int = 4) {
        queue = DispatchQueue(label: label)
        slots = DispatchSemaphore(value: depth)
    }

    /// Throws the first error a batch met, if any.
    public func check() throws {
        if let e = lock.withLock({ error }) { throw e }
    }

    /// Queues `body`, waiting first while `depth` batches are queued.
    public func submit(_ body: @escaping @Sendable () throws -> Void) throws {
        try check()
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard lock.withLock({ error }) == nil else { return }
            do {
                try body()
            } catch {
                lock.withLock { if self.error == nil { self.error = error } }
            }
        }
    }

    /// Waits for every queued batch, then throws the first error, if any.
    public func finish() throws {
        queue.sync {}
        try check()
    }
}
