import Foundation
import Logging
import MASHCore
import MASHIntake
import MASHMetrics
import MASHOutbox
import MASHStore
import MASHSystemd
import NIOConcurrencyHelpers

/// Re-reads the config and the model on SIGHUP or `mashctl reload`, and swaps them in whole
/// only if both are valid: a bad file is refused with its reason in the journal and in
/// `STATUS=`, and the running configuration goes on. Lines in flight are not touched: a
/// commit uses the model it started with.
final class Reloader: Sendable {
    struct Inputs: Sendable {
        var configPath: String?
        var defaultConfigPath: String?
        var modelFlag: String?
        var agencies: [Agency]
        /// The config mashd started with: what a reload may not change is compared with it.
        var startConfig: ConfigFile
        /// Whether mashd started from a config file (at `configPath` or `defaultConfigPath`).
        var startedFromFile: Bool
    }

    private let inputs: Inputs
    private let model: ActiveModel
    private let permissions: PermissionsBox
    private let store: CaseStore
    private let outbox: Outbox
    private let notifier: SystemdNotifier
    private let clock: @Sendable () -> Timestamp
    private let logger: Logger
    private let serial = AsyncSerializer()
    /// Why the last reload was refused, shown in status until a reload succeeds.
    let lastRefusal = NIOLockedValueBox<String?>(nil)
    let reloads = NIOLockedValueBox(0)

    init(
        inputs: Inputs, model: ActiveModel, permissions: PermissionsBox, store: CaseStore, outbox: Outbox,
        notifier: SystemdNotifier, clock: @escaping @Sendable () -> Timestamp, logger: Logger
    ) {
        self.inputs = inputs
        self.model = model
        self.permissions = permissions
        self.store = store
        self.outbox = outbox
        self.notifier = notifier
        self.clock = clock
        self.logger = logger
    }

    /// Reloads; returns nil on success or the reason it was refused. One reload at a time.
    func reload(status: @Sendable () async -> String) async -> String? {
        await serial.run { await self.reloadNow(status: status) }
    }

    private func reloadNow(status: @Sendable () async -> String) async -> String? {
        notifier.reloading()
        logger.notice("reload requested", metadata: ["event": "reload"])
        do {
            let path = inputs.configPath ?? inputs.defaultConfigPath.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            // A config file that has gone (a botched save) must not quietly turn every local
            // setting back to the defaults: an empty file says that on purpose.
            if path == nil, inputs.startedFromFile, let gone = inputs.defaultConfigPath {
                throw StartupError(
                    "config \(gone): not there any more (mashd started with it); leave an empty file there to go back to the defaults",
                    exitCode: StartupError.config)
            }
            let config = try path.map { (p) throws(ConfigFile.Failure) in try ConfigFile.load(path: p) } ?? ConfigFile()
            let agencies = config.agencies ?? Agency.standard
            if agencies != inputs.agencies {
                throw StartupError(
                    "[agencies] cannot change on reload: outboxes are made at start; restart mashd instead", exitCode: StartupError.config)
            }
            let fixed = config.startOnlyDifferences(from: inputs.startConfig)
            if !fixed.isEmpty {
                throw StartupError(
                    "\(fixed.joined(separator: ", ")) cannot change on reload (a reload takes the timescales, the model and the permissions); restart mashd instead",
                    exitCode: StartupError.config)
            }
            let value = try ModelLoader.load(
                file: inputs.modelFlag ?? config.modelFile, timescales: config.timescales, agencies: Set(agencies))
            let newPermissions = try PermissionResolver.resolve(config)
            let before = model.value.identity
            model.value = value
            permissions.value = newPermissions
            try await Deployment.record(value, store: store, outbox: outbox, at: clock(), logger: logger)
            lastRefusal.withLockedValue { $0 = nil }
            reloads.withLockedValue { $0 += 1 }
            Meters.reload(result: "done")
            logger.notice(
                "reload done",
                metadata: [
                    "event": "reload", "model": "\(value.identity.name) v\(value.identity.version) \(value.identity.checksum.prefix(12))",
                    "standard": "\(value.isStandard)",
                ])
            if before != value.identity {
                logger.notice("the model changed on reload", metadata: ["event": "reload", "source": "\(value.source)"])
            }
            notifier.ready(status: await status())
            return nil
        } catch {
            let reason = "\(error)"
            lastRefusal.withLockedValue { $0 = reason }
            Meters.reload(result: "refused")
            logger.error("reload refused; the running configuration is unchanged", metadata: ["event": "reload", "error": "\(reason)"])
            notifier.ready(status: await status())
            return reason
        }
    }
}

/// Runs one operation at a time, in arrival order, across suspension points (a lock may not
/// be held across an await).
final class AsyncSerializer: Sendable {
    private let state = NIOLockedValueBox<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func run<T: Sendable>(_ body: () async -> T) async -> T {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLockedValue { s -> Bool in
                if !s.busy {
                    s.busy = true
                    return true
                }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
        defer {
            let next = state.withLockedValue { s -> CheckedContinuation<Void, Never>? in
                if s.waiters.isEmpty {
                    s.busy = false
                    return nil
                }
                return s.waiters.removeFirst()
            }
            next?.resume()
        }
        return await body()
    }
}
