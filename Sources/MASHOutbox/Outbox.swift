import CMASHSys
import Foundation
import MASHCore

/// The agency outboxes: one Maildir per agency (formats.md). A product is written in `tmp/`,
/// made durable, renamed into `new/` under its id, and `new/` is fsynced, so a collector never
/// sees a partial file and a delivered product survives a power cut. Batches share the
/// expensive part: one `syncfs` for all files of a batch, one fsync per directory touched.
/// Staging (`tmp/`, durable) and publishing (the rename) are separate steps, so that the
/// engine can record between them which products are about to be published: after a crash,
/// a recorded product that is in none of `tmp/`, `new/` or `cur/` was published and then
/// claimed and deleted by its collector, and is not written again.
public final class Outbox: Sendable {
    public let root: String

    /// How a batch's files are made durable before they are renamed into `new/`.
    public enum Sync: Sendable {
        /// One `syncfs` for the whole batch: the cheapest per file, but it also waits for
        /// every other dirty page on the filesystem (the store's, other batches').
        case filesystem
        /// One `fdatasync` per file and one fsync per `tmp/` touched: its cost is the batch's
        /// own data only, so urgent work is not held up by whatever else is waiting to be
        /// written.
        case eachFile
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Told of each directory fsynced, for tests of the write sequence.
    private let directorySynced: (@Sendable (String) -> Void)?

    public convenience init(root: String) { self.init(root: root, directorySynced: nil) }

    init(root: String, directorySynced: (@Sendable (String) -> Void)?) {
        self.root = root
        self.directorySynced = directorySynced
    }

    public func directory(_ agency: Agency) -> String { root + "/" + agency.name }

    /// Where a delivered product is now: `new/ID`, or `cur/ID...` once a collector claimed it.
    public func location(of id: String, for agency: Agency) -> String? {
        let dir = directory(agency)
        if access(dir + "/new/" + id, F_OK) == 0 { return dir + "/new/" + id }
        if access(dir + "/cur/" + id, F_OK) == 0 { return dir + "/cur/" + id }
        let claimed = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/cur")) ?? []
        return claimed.first { $0.hasPrefix(id + ":") }.map { dir + "/cur/" + $0 }
    }

    /// Delivers `products`: `stage`, then `publish`. With `skipDelivered`, a product already in
    /// `new/` or `cur/` is left alone. Returns the ids delivered now.
    @discardableResult
    public func deliver(_ products: [Product], skipDelivered: Bool, sync: Sync = .filesystem) throws(Failure) -> [String] {
        let staged = try stage(products, skipDelivered: skipDelivered, sync: sync)
        try publish(staged)
        return staged.map(\.id)
    }

    /// Writes `products` in `tmp/` and makes them durable; nothing is visible to a collector
    /// yet. With `skipDelivered`, a product already in `new/` or `cur/` (a collector may have
    /// claimed it, with `:2,FLAGS`) is left out: after a crash, a product is rebuilt under the
    /// same id and must not arrive twice. Returns the products staged.
    public func stage(_ products: [Product], skipDelivered: Bool, sync: Sync = .filesystem) throws(Failure) -> [Product] {
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
        var syncDescriptor: CInt = -1
        defer { if syncDescriptor >= 0 { close(syncDescriptor) } }
        var tmpDirectories = Set<String>()
        for p in pending {
            let path = directory(p.recipient) + "/tmp/" + p.id
            if sync == .eachFile { tmpDirectories.insert(directory(p.recipient) + "/tmp") }
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
        switch sync {
        case .filesystem:
            // One syncfs for the batch: the files and their names in tmp/.
            guard mashd_syncfs(syncDescriptor) == 0 else { throw failure("syncfs on \(root)") }
        case .eachFile:
            // A file's fdatasync does not make its name durable. A product recorded as staged
            // and then not found in tmp/ is taken to be published (`finishStaged`), so a name
            // lost in a power cut would be a product lost.
            try syncDirectories(tmpDirectories)
        }
        return pending
    }

    /// Renames staged products from `tmp/` into `new/`, then fsyncs each `new/` once.
    public func publish(_ products: [Product]) throws(Failure) {
        var touched = Set<String>()
        for p in products {
            let dir = directory(p.recipient)
            guard rename(dir + "/tmp/" + p.id, dir + "/new/" + p.id) == 0 else {
                throw failure("cannot rename \(dir)/tmp/\(p.id) into new/")
            }
            touched.insert(dir + "/new")
        }
        try syncDirectories(touched)
    }

    /// Finishes products staged by an earlier attempt that may not have been published (the
    /// store recorded them as staged; mashd crashed or a step failed after). One still in
    /// `tmp/` is published now. One that is not there was published: it is in `new/`, in
    /// `cur/`, or a collector has claimed and deleted it, and it must not be written again.
    public func finishStaged(_ staged: [(id: String, recipient: Agency)]) throws(Failure) {
        var touched = Set<String>()
        for s in staged {
            let dir = directory(s.recipient)
            guard access(dir + "/tmp/" + s.id, F_OK) == 0, access(dir + "/new/" + s.id, F_OK) != 0 else { continue }
            guard rename(dir + "/tmp/" + s.id, dir + "/new/" + s.id) == 0 else {
                throw failure("cannot rename \(dir)/tmp/\(s.id) into new/")
            }
            touched.insert(dir + "/new")
        }
        try syncDirectories(touched)
    }

    private func syncDirectories(_ directories: Set<String>) throws(Failure) {
        for dir in directories {
            let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw failure("cannot open \(dir)") }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw failure("cannot fsync \(dir)") }
            directorySynced?(dir)
        }
    }

    private func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
