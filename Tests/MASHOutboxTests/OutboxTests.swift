import Foundation
import MASHCore
@testable import MASHOutbox
import Testing

/// The Maildir promises, for both ways of making a batch durable: every product ends in
/// `new/` under its id with its exact bytes, nothing is left in `tmp/`, and a product already
/// delivered (in `new/`, or claimed into `cur/` with flags) is not delivered again.
struct OutboxTests {
    let root: String
    let outbox: Outbox

    init() throws {
        root = NSTemporaryDirectory() + "mashd-outbox-\(UUID().uuidString)"
        for agency in ["police", "health"] {
            for sub in ["tmp", "new", "cur"] {
                try FileManager.default.createDirectory(atPath: "\(root)/\(agency)/\(sub)", withIntermediateDirectories: true)
            }
        }
        outbox = Outbox(root: root)
    }

    func product(_ n: UInt64, _ agency: Agency) -> Product {
        let id = CaseID(sequence: n)
        return Product(
            id: Product.id(case: id, kind: .researchRequest, recipient: agency), caseId: id, kind: .researchRequest,
            recipient: agency, body: Array(#"{"case":"\#(id.text)","to":"\#(agency.name)"}"#.utf8) + [0x0A])
    }

    func files(_ agency: String, _ sub: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(agency)/\(sub)").sorted()
    }

    @Test(arguments: [Outbox.Sync.filesystem, .eachFile])
    func everyProductArrivesWholeInNew(sync: Outbox.Sync) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let products = [product(1, .police), product(1, .health), product(2, .police)]
        let delivered = try outbox.deliver(products, skipDelivered: false, sync: sync)
        #expect(delivered == products.map(\.id))
        #expect(try files("police", "new") == [products[0].id, products[2].id].sorted())
        #expect(try files("health", "new") == [products[1].id])
        #expect(try files("police", "tmp").isEmpty && files("health", "tmp").isEmpty)
        for p in products {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(p.recipient.name)/new/\(p.id)"))
            #expect(Array(bytes) == p.body)
        }
    }

    @Test(arguments: [Outbox.Sync.filesystem, .eachFile])
    func aDeliveredOrClaimedProductIsNotDeliveredAgain(sync: Outbox.Sync) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let a = product(1, .police), b = product(2, .police), c = product(3, .police)
        try outbox.deliver([a, b], skipDelivered: false, sync: sync)
        // A collector claims b.
        try FileManager.default.moveItem(atPath: "\(root)/police/new/\(b.id)", toPath: "\(root)/police/cur/\(b.id):2,S")
        let again = try outbox.deliver([a, b, c], skipDelivered: true, sync: sync)
        #expect(again == [c.id])
        #expect(try files("police", "new") == [a.id, c.id].sorted())
        #expect(try files("police", "cur") == ["\(b.id):2,S"])
    }

    /// Directories fsynced, in order.
    final class SyncLog: @unchecked Sendable {
        private let lock = NSLock()
        private var dirs: [String] = []
        func add(_ d: String) { lock.withLock { dirs.append(d) } }
        var all: [String] { lock.withLock { dirs } }
    }

    @Test func stagingFileByFileAlsoMakesTheNamesInTmpDurable() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = SyncLog()
        let outbox = Outbox(root: root, directorySynced: log.add)
        // A product recorded as staged and not found in tmp/ counts as published, so its name
        // in tmp/ must survive a power cut before it is recorded.
        _ = try outbox.stage([product(1, .police), product(1, .health), product(2, .police)], skipDelivered: false, sync: .eachFile)
        #expect(Set(log.all) == ["\(root)/police/tmp", "\(root)/health/tmp"])
        #expect(log.all.count == 2)
        // syncfs makes the whole filesystem durable, names and all.
        _ = try outbox.stage([product(3, .police)], skipDelivered: false, sync: .filesystem)
        #expect(log.all.count == 2)
    }
}
