import GRDB
import Logging
import ServiceLifecycle

/// Copies the store's write-ahead log back into the database file on a connection of its own,
/// beside the writer. SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold, so that commit, and every upstream line waiting for its reply, would pay for
/// copying the log: at full intake that was a third of each commit's time. A passive
/// checkpoint neither blocks the writer nor waits for it. The writer keeps an automatic
/// checkpoint of its own at a higher threshold (`CaseStore.backstopCheckpointPages`), so the
/// log stays bounded should this fall behind or fail.
///
/// Durability does not depend on it: a line is durable once its commit has synced the log.
public final class StoreCheckpointer: Service, Sendable {
    private let connection: DatabaseQueue
    private let interval: Duration
    private let logger: Logger

    /// Opens the checkpoint connection and raises the writer's own checkpoint threshold.
    public init(store: CaseStore, interval: Duration = .milliseconds(100), logger: Logger) throws {
        connection = try store.checkpointConnection()
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // A stop ends the sleep. Whatever is left in the log stays there, safe, for the next
        // checkpoint: SQLite checkpoints it when the last connection to the store closes.
        try? await cancelWhenGracefulShutdown {
            var failing = false
            while true {
                try await Task.sleep(for: self.interval)
                do {
                    _ = try await self.connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
                    if failing { self.logger.notice("store checkpoints work again", metadata: ["event": "checkpoint"]) }
                    failing = false
                } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                    // The writer's backstop checkpoint is running: nothing is wrong.
                } catch {
                    // Stopping interrupts a checkpoint under way: not a failure either.
                    if Task.isCancelled { return }
                    // The writer's own checkpoint still bounds the log; say so once, not every tick.
                    if !failing {
                        self.logger.warning(
                            "store checkpoint failed; the writer checkpoints itself meanwhile",
                            metadata: ["event": "checkpoint", "error": "\(error)"])
                    }
                    failing = true
                }
            }
        }
    }
}
