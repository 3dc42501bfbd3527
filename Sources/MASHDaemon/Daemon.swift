import Foundation
import Logging
import MASHAdapters
import MASHCore
import MASHIntake
import MASHMetrics
import Metrics
import Prometheus
import MASHOutbox
import MASHProcess
import MASHStore
import MASHSystemd
import MASHWire
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Everything a mashd process needs to start, resolved from the command line, the config
/// file, the environment (systemd's `$STATE_DIRECTORY`, `$RUNTIME_DIRECTORY`) and the embedded
/// defaults, in that order of precedence.
public struct DaemonOptions: Sendable {
    public var stateDirectory: String
    public var socketPath: String
    public var config: ConfigFile
    public var durability: CaseStore.Durability
    /// A model file, from `--model` or the config; nil for the embedded standard.
    public var modelFile: String?
    /// The config file, re-read on reload.
    public var configPath: String?
    /// Where the config is when `configPath` is not given (`$CONFIGURATION_DIRECTORY/mashd.toml`);
    /// read on reload if it exists by then.
    public var defaultConfigPath: String?
    /// `--model`, which wins over the config's on reload too.
    public var modelFlag: String?

    public init(stateDirectory: String, socketPath: String, config: ConfigFile, durability: CaseStore.Durability = .full) {
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath
        self.config = config
        self.durability = durability
        self.modelFile = config.modelFile
    }

    public static let defaultStateDirectory = "/var/lib/mashd"

    /// Resolves the directories: `--state-dir`, else the first of `$STATE_DIRECTORY`, else
    /// `/var/lib/mashd`; `--socket`, else the config's, else `$RUNTIME_DIRECTORY/intake.sock`,
    /// else `STATE/intake.sock`.
    public static func resolve(
        stateDirectory: String?, socket: String?, config: ConfigFile, environment: [String: String]
    ) -> DaemonOptions {
        func first(_ v: String?) -> String? {
            v?.split(separator: ":").first.map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        }
        let state = stateDirectory ?? first(environment["STATE_DIRECTORY"]) ?? defaultStateDirectory
        let runtime = first(environment["RUNTIME_DIRECTORY"])
        let sock = socket ?? config.socket ?? runtime.map { $0 + "/intake.sock" } ?? (state + "/intake.sock")
        return DaemonOptions(stateDirectory: state, socketPath: sock, config: config)
    }
}

/// A failure that stops mashd before it serves, with the exit status an operator can act on
/// (sysexits.h).
public struct StartupError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public let exitCode: Int32

    public init(_ description: String, exitCode: Int32) {
        self.description = description
        self.exitCode = exitCode
    }

    public static let usage: Int32 = 64
    public static let cannotCreate: Int32 = 73
    public static let tempFail: Int32 = 75
    public static let config: Int32 = 78
}

/// Wires the services: the process engine, the committer (group commit into the store), the
/// intake server, the control sockets and the service manager's side, run by one
/// `ServiceGroup` that drains them, last started first, on SIGTERM or SIGINT.
public enum Daemon {
    /// Socket-activation names and the adapter each binds its socket to.
    static let activationNames: [String: String?] = [
        "intake": nil, "mashd": nil, "merlin": "merlin/1", "la-referral": "la-referral/1", "la": "la-referral/1",
        "research": "research/1",
    ]

    public static func run(_ options: DaemonOptions, logger: Logger) async throws {
        let descriptors = FileLimit.raise()
        let agencies = options.config.agencies ?? Agency.standard
        let notifier = SystemdNotifier()
        let environment = ProcessInfo.processInfo.environment

        // Sockets: handed over by systemd, or bound here.
        var listeners: [IntakeServer.Listener] = []
        for socket in ActivatedSockets.take() {
            guard let format = activationNames[socket.name] else {
                throw StartupError(
                    "socket activation passed a socket named \"\(socket.name)\"; FileDescriptorName= must be one of \(activationNames.keys.sorted().joined(separator: ", "))",
                    exitCode: StartupError.config)
            }
            listeners.append(.init(source: .descriptor(socket.descriptor, name: socket.name), boundFormat: format))
        }
        if listeners.isEmpty {
            guard options.socketPath.utf8.count <= 107 else {
                throw StartupError(
                    "the socket path \(options.socketPath) is \(options.socketPath.utf8.count) bytes; Unix sockets allow 107. Give a shorter --socket",
                    exitCode: StartupError.usage)
            }
            listeners.append(.init(source: .path(options.socketPath, mode: options.config.socketMode ?? 0o660)))
        }

        let state: StateDirectory
        do {
            state = try StateDirectory(path: options.stateDirectory, agencies: agencies)
        } catch {
            throw StartupError(error.description, exitCode: error.inUse ? StartupError.tempFail : StartupError.cannotCreate)
        }
        let controlDirectory = environment["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? options.stateDirectory
        let controlEndpoints: [ControlServer.Endpoint] = [
            .init(path: controlDirectory + "/control.sock", mode: 0o600, commands: ["reload", "status"]),
            .init(path: controlDirectory + "/status.sock", mode: 0o666, commands: ["status"]),
        ]
        let metricsEndpoint: MetricsServer.Endpoint? =
            !options.config.metricsEnabled ? nil
            : options.config.metricsListen.map { .loopback(host: $0.host, port: $0.port) }
                ?? .unix(options.config.metricsSocket ?? controlDirectory + "/metrics.sock")
        // Every socket path this mashd will bind: refused if another process listens there
        // (binding over it would take that daemon's socket), a dead daemon's left-over removed.
        var paths: [(String, String)] = listeners.compactMap {
            if case .path(let path, _) = $0.source { return (path, "intake") }
            return nil
        }
        paths += controlEndpoints.map { ($0.path, $0.name) }
        if case .unix(let path)? = metricsEndpoint { paths.append((path, "metrics")) }
        for (path, role) in paths {
            do {
                try SocketPath.claim(path, role: role)
            } catch {
                throw StartupError(error.description, exitCode: error.inUse ? StartupError.tempFail : StartupError.cannotCreate)
            }
        }
        let store: CaseStore
        let checkpointer: StoreCheckpointer
        do {
            store = try CaseStore(path: state.storePath, durability: options.durability)
            checkpointer = try StoreCheckpointer(store: store, logger: logger)
        } catch {
            throw StartupError("cannot open the store \(state.storePath): \(error)", exitCode: StartupError.cannotCreate)
        }
        if options.durability != .full {
            logger.warning("store durability is OFF: an ok reply does not mean the line is on disk. For benchmarks only.")
        }
        let modelValue = try ModelLoader.load(
            file: options.modelFile, timescales: options.config.timescales, agencies: Set(agencies))
        let model = ActiveModel(modelValue)
        let permissions = PermissionsBox(try PermissionResolver.resolve(options.config))
        // Milliseconds, as the store keeps times: a decision reads the same everywhere it appears.
        let clock: @Sendable () -> Timestamp = {
            Timestamp(epochMicroseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) * 1000)
        }
        let outbox = Outbox(root: state.outboxPath)
        // Before anything records a metric: a metric made earlier would stay a no-op.
        let registry = PrometheusCollectorRegistry()
        if options.config.metricsEnabled {
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.durationHistogramBuckets[Meters.decisionLatencyLabel] = Meters.decisionLatencyBuckets
            MetricsSystem.bootstrap(factory)
            Meters.registerAtZero()
        }

        let engine = ProcessEngine(
            store: store, outbox: outbox, model: model,
            configuration: .init(
                workers: options.config.workers ?? System.coreCount,
                crashAfterDelivery: environment["MASHD_TEST_CRASH_AFTER_DELIVERY"].flatMap(Double.init) ?? 0),
            clock: clock, logger: logger)
        let recovered = try await engine.recover()
        try await Deployment.record(modelValue, store: store, outbox: outbox, at: clock(), logger: logger)
        logger.info(
            "recovery done",
            metadata: ["event": "recovery", "queued": "\(recovered.queued)", "researching": "\(recovered.researching)"])

        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let committer = IntakeCommitter(
            store: store, model: model,
            configuration: .init(maximumBatch: options.config.maximumBatch ?? 2048),
            clock: clock, logger: logger, onCommit: { engine.intakeCommitted($0) })
        // READY waits for the intake and control sockets, and the metrics socket if any.
        let ready = ReadySignal(parts: metricsEndpoint == nil ? 2 : 3)
        let intake = IntakeServer(
            configuration: .init(
                listeners: listeners, adapters: Adapters.all, adapterContext: AdapterContext(agencies: Set(agencies)),
                permissions: permissions, maximumLineBytes: options.config.maximumLineBytes ?? (1 << 20),
                maximumInFlightPerConnection: options.config.maximumLinesInFlight ?? 4096,
                maximumConnections: options.config.maximumConnections ?? min(1024, max(8, (descriptors - 128) / 2))),
            committer: committer, group: group, logger: logger, listening: { ready.signal() })

        let reloader = Reloader(
            inputs: .init(
                configPath: options.configPath, defaultConfigPath: options.defaultConfigPath, modelFlag: options.modelFlag,
                agencies: agencies, startConfig: options.config,
                startedFromFile: options.configPath != nil || options.defaultConfigPath.map { FileManager.default.fileExists(atPath: $0) } == true),
            model: model,
            permissions: permissions, store: store, outbox: outbox, notifier: notifier, clock: clock, logger: logger)
        let status: @Sendable () async -> DaemonStatus = {
            let s = await DaemonStatus.make(
                store: store, model: model.value, outbox: state.outboxPath, escalationAgency: model.value.model.escalationRecipient,
                reloadRefused: reloader.lastRefusal.withLockedValue { $0 }, reloads: reloader.reloads.withLockedValue { $0 },
                now: clock())
            for rag in ["red", "amber", "green", "blue", "none"] {
                Meters.cases(stage: "waiting", rag: rag, count: s.waiting[rag] ?? 0)
                for stage in [CaseStage.new, .researching] {
                    Meters.cases(stage: stage.rawValue, rag: rag, count: s.waitingByStage[stage.rawValue]?[rag] ?? 0)
                }
            }
            let depth = engine.status.depth
            for rag in RAG.allCases { Meters.queueDepth(rag: rag.rawValue, count: depth[rag] ?? 0) }
            Meters.queueDepth(rag: "none", count: depth[nil] ?? 0)
            return s
        }
        let control = ControlServer(
            endpoints: controlEndpoints, group: group, logger: logger, listening: { ready.signal() },
            handler: { command in
                switch command {
                case "reload":
                    if let refusal = await reloader.reload(status: { await status().line }) {
                        return #"{"ok":false,"error":\#(JSONString(refusal))}"#
                    }
                    return #"{"ok":true,"model":\#(JSONString("\(model.value.identity.name) v\(model.value.identity.version)")),"checksum":\#(JSONString(model.value.identity.checksum)),"standard":\#(model.value.isStandard)}"#
                default:
                    return #"{"ok":true,"status":\#(await status().json)}"#
                }
            })
        let watchdogWindow = notifier.watchdogInterval ?? .seconds(60)
        let systemd = SystemdService(
            notifier: notifier, ready: ready, logger: logger, status: { await status().line },
            healthy: { engine.isHealthy(within: watchdogWindow) && committer.isHealthy(within: watchdogWindow) },
            reload: { _ = await reloader.reload(status: { await status().line }) })

        // The checkpointer is first started, last stopped: it runs for as long as anything writes.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: checkpointer), .init(service: engine), .init(service: committer), .init(service: intake), .init(service: control),
        ]
        if let endpoint = metricsEndpoint {
            services.append(
                .init(
                    service: MetricsServer(endpoint: endpoint, group: group, logger: logger, listening: { ready.signal() }) {
                        registry.emitToBuffer()
                    }))
        }
        services.append(.init(service: systemd))
        // A service that fails (a socket that cannot be bound) or ends on its own stops the
        // others the orderly way, lines in flight committed and answered, and mashd exits 1
        // with the error; cancelling them instead would drop those lines' answers.
        services = services.map { c in
            var c = ServiceGroupConfiguration.ServiceConfiguration(
                service: EssentialService(inner: c.service, name: Self.partName(c.service)))
            c.failureTerminationBehavior = .gracefullyShutdownGroup
            c.successTerminationBehavior = .gracefullyShutdownGroup
            return c
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info(
            "mashd starting",
            metadata: [
                "state-dir": "\(options.stateDirectory)", "socket": "\(listeners.count == 1 ? options.socketPath : "socket-activated")",
                "model": "\(modelValue.identity.name) v\(modelValue.identity.version) \(modelValue.identity.checksum.prefix(12))",
                "standard": "\(modelValue.isStandard)",
            ])
        do {
            try await serviceGroup.run()
        } catch {
            logger.critical("mashd stopped on an error", metadata: ["error": "\(error)"])
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
        withExtendedLifetime(state) {}
        logger.info("mashd stopped")
    }
}

extension Daemon {
    /// The name an operator knows a part by, for the error when it stops on its own.
    static func partName(_ service: any Service) -> String {
        switch service {
        case is StoreCheckpointer: return "store checkpointer"
        case is ProcessEngine: return "process engine"
        case is IntakeCommitter: return "intake committer"
        case is IntakeServer: return "intake server"
        case is ControlServer: return "control server"
        case is MetricsServer: return "metrics server"
        default: return "service manager link"
        }
    }
}

/// A JSON string literal.
func JSONString(_ s: String) -> String {
    var w = JSONWriter()
    w.string(s)
    return String(decoding: w.bytes, as: UTF8.self)
}
