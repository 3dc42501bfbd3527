import CMASHSys
import Foundation
import MASHCore

/// The agency outboxes: one Maildir per agency (formats.md). A product is written in `tmp/`,
/// made durable, renamed into `new/` under its id, and `new/` is fsynced, so a collector never
/// sees a partial file and a delivered product survives a power cut. Batches share the
/// expensive part: one `syncfs` for all files of a batch, one fsync per directory touched.
public final class Outbox: Sendable {
    public let root: String

    /// How a batch's files are made durable before they are renamed into `new/`.
    public enum Sync: Sendable {
        /// One `syncfs` for the whole batch: the cheapest per file, but it also waits for
        /// every other dirty page on the filesystem (the store's, other batches').
        case filesystem
        /// One `fdatasync` per file: its cost is the batch's own data only, so urgent work
        /// is not held up by whatever else is waiting to be written.
        case eachFile
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(root: String) { self.root = root }

    public func directory(_ agency: Agency) -> String { root + "/" + agency.name }

    /// Where a delivered product is now: `new/ID`, or `cur/ID...` once a collector claimed it.
    public func location(of id: String, for agency: Agency) -> String? {
        let dir = directory(agency)
        if access(dir + "/new/" + id, F_OK) == 0 { return dir + "/new/" + id }
        if access(dir + "/cur/" + id, F_OK) == 0 { return dir + "/cur/" + id }
        let claimed = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/cur")) ?? []
        return claimed.first { $0.hasPrefix(id + ":") }.map { dir + "/cur/" + $0 }
    }

    /// Delivers `products`. With `skipDelivered`, a product already in `new/` or `cur/` (a
    /// collector may have claimed it, with `:2,FLAGS`) is left alone: after a crash, a product
    /// is rebuilt under the same id and must not arrive twice. Returns the ids delivered now.
    @discardableResult
    public func deliver(_ products: [Product], skipDelivered: Bool, sync: Sync = .filesystem) throws(Failure) -> [String] {
        guard !products.isEmpty else { return [] }
        var pending = products
        if skipDelivered {
            var claimed: [Agency: Set<String>] = [:]
            pending = products.filter { p in
                let dir = directory(p.recipient)
                if access(dir + "/new/" + p.id, F_OK) == 0 { return false }
                if claimed[p.recipient] == nil {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/cur")) ?? []
                    claimed[p.recipient] = Set(names.map { String($0.split(separator: ":", maxSplits: 1).first ?? "") })
                }
                return !(claimed[p.recipient]!.contains(p.id))
            }
        }
        guard !pending.isEmpty else { return [] }
        // 1. Write every file in tmp/.
        var syncDescriptor: CInt = -1
        defer { if syncDescriptor >= 0 { close(syncDescriptor) } }
        for p in pending {
            let path = directory(p.recipient) + "/tmp/" + p.id
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
            guard fd >= 0 else { throw failure("cannot create \(path)") }
            var written = 0
            while written < p.body.count {
                let n = p.body[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    let f = failure("cannot write \(path)")
                    close(fd)
                    throw f
                }
                written += n
            }
            if sync == .eachFile {
                // 2. Make it durable.
                let synced = fdatasync(fd) == 0
                let f = synced ? nil : failure("cannot fsync \(path)")
                close(fd)
                if let f { throw f }
            } else if syncDescriptor < 0 {
                syncDescriptor = fd
            } else {
                close(fd)
            }
        }
        // 2. Make them durable: one syncfs for the batch.
        if sync == .filesystem {
            guard mashd_syncfs(syncDescriptor) == 0 else { throw failure("syncfs on \(root)") }
        }
        // 3. Rename into new/, then 4. fsync each new/ once.
        var touched = Set<String>()
        for p in pending {
            let dir = directory(p.recipient)
            guard rename(dir + "/tmp/" + p.id, dir + "/new/" + p.id) == 0 else {
                throw failure("cannot rename \(dir)/tmp/\(p.id) into new/")
            }
            touched.insert(dir + "/new")
        }
        for dir in touched {
            let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw failure("cannot open \(dir)") }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw failure("cannot fsync \(dir)") }
        }
        return pending.map(\.id)
    }

    private func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
