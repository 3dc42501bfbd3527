import ArgumentParser
import Foundation
import Logging
import MASHDaemon
import MASHSystemd

/// The `mashd` executable: argument parsing and nothing else; the daemon lives in MASHDaemon.
@main
struct MashdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mashd",
        abstract: "The London Multi-Agency Safeguarding Hub daemon.",
        discussion: """
            mashd accepts notifications of concern about children on a Unix socket, one JSON \
            object per line (merlin/1 from the police, la-referral/1 from local-authority front \
            doors, research/1 answers from agencies). Every line gets exactly one reply line, in \
            order. An ok reply means the line is in the store and fsynced: it survives a crash or \
            a power cut. A rejected line gets a precise error code and changes nothing.

            Accepted notifications are screened with the London standard risk model (or a \
            --model file, reported as a local variation), research requests go to the agencies \
            the RAG names, and each case is decided when every agency has answered or its \
            deadline passes. Products are written to the agencies' Maildir outboxes.

            FILES
              STATE/mashd.sqlite    the store (SQLite, WAL, synchronous=FULL)
              STATE/mashd.lock      held while mashd runs; a second mashd on STATE
                                    refuses to start
              STATE/intake.sock     the intake socket, unless --socket, the config or
                                    $RUNTIME_DIRECTORY say otherwise
              RUN/control.sock      mode 0600: `mashctl reload` and `mashctl status`
              RUN/status.sock       mode 0666, read-only: `mashctl status`
              RUN/metrics.sock      mode 0666: Prometheus metrics over HTTP, unless
                                    [metrics] listen names a loopback port instead,
                                    or [metrics] enabled = false
                                    (RUN is $RUNTIME_DIRECTORY, else STATE)
                                    Each control socket keeps at most 32 connections,
                                    10 s each; intake at most [intake] max_connections.
                                    A path another process listens on is never taken.
              STATE/outbox/AGENCY/  one Maildir (tmp/, new/, cur/) per agency

            SYSTEMD
              With Type=notify, mashd sends READY=1 once recovery is done and every
              socket listens, keeps STATUS= current (queue per RAG, oldest waiting
              case, model), pings WATCHDOG=1 only while work progresses, sends
              RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a reload, and
              STOPPING=1 on shutdown. Sockets passed by socket activation are used
              instead of binding: FileDescriptorName=intake takes every format;
              merlin, la-referral and research bind the socket to that adapter.
              Under systemd (JOURNAL_STREAM set) logs are structured journal entries
              with MESSAGE_ID and MASH_CASE_ID, MASH_FORMAT, MASH_RAG and MASH_AGENCY
              fields; no personal data is ever logged.

            ENVIRONMENT
              STATE_DIRECTORY       the state directory when --state-dir is not given
              RUNTIME_DIRECTORY     where intake.sock and the control sockets go
              CONFIGURATION_DIRECTORY
                                    holds mashd.toml when --config is not given
              NOTIFY_SOCKET, LISTEN_FDS, LISTEN_FDNAMES, WATCHDOG_USEC, JOURNAL_STREAM
                                    set by systemd, as above

            SIGNALS
              SIGTERM, SIGINT       stop accepting connections, commit and answer
                                    every line already read, then exit 0 (a peer
                                    that has not read its replies within 10 s is
                                    disconnected; its lines are kept)
              SIGHUP                reload the config and the model: the timescales,
                                    the model and the permissions take effect; a bad
                                    file, a change to any other setting (those are
                                    read only at start), or a config file that has
                                    gone is refused, and the running configuration
                                    goes on

            EXIT STATUS
              0   stopped cleanly
              1   a part failed while starting or running (for instance the metrics
                  address was in use): the others stopped in order, and the error
                  is logged and printed
              64  bad usage (for instance a socket path too long)
              73  the state directory or the store cannot be created or opened, or
                  a socket path is not a socket or its directory is missing
              75  another mashd holds the state directory, or another process
                  listens on one of the socket paths (it is never taken over)
              78  the config file or the model file is invalid (the message names
                  the line or key)

            EXAMPLES
              mashd --state-dir /tmp/mash
              mashctl send --socket /tmp/mash/intake.sock notifications.ndjson
            """)

    @Option(name: .long, help: ArgumentHelp("The state directory (default: $STATE_DIRECTORY, else /var/lib/mashd).", valueName: "DIR"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("The intake socket path (default: the config's [intake] socket, else $RUNTIME_DIRECTORY/intake.sock, else STATE/intake.sock).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("A TOML config file (default: $CONFIGURATION_DIRECTORY/mashd.toml if it exists). Every key has a default; see README.md.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A risk model file (JSON) instead of the embedded london-standard v1. Any difference from the standard is a local variation: logged and escalated to mash-manager.", valueName: "FILE"))
    var model: String?

    @Flag(name: .long, help: .hidden)
    var unsafeSynchronousOff = false

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical (default: the config's, else info).", valueName: "LEVEL"))
    var logLevel: String?

    mutating func run() async throws {
        do {
            // Under systemd, ConfigurationDirectory= names where the config lives; it may appear
            // later, and a reload reads it then.
            let defaultConfig = ProcessInfo.processInfo.environment["CONFIGURATION_DIRECTORY"]?.split(separator: ":").first
                .map { "\($0)/mashd.toml" }
            let path = config ?? defaultConfig.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
            let file = try path.map { (p) throws(ConfigFile.Failure) in try ConfigFile.load(path: p) } ?? ConfigFile()
            let level = logLevel ?? file.logLevel ?? "info"
            guard let parsed = Logger.Level(rawValue: level) else {
                throw StartupError("--log-level must be one of trace, debug, info, notice, warning, error, critical", exitCode: StartupError.usage)
            }
            LogDestination.bootstrap(level: parsed)
            let logger = Logger(label: "mashd")
            var options = DaemonOptions.resolve(
                stateDirectory: stateDir, socket: socket, config: file, environment: ProcessInfo.processInfo.environment)
            options.configPath = config
            options.defaultConfigPath = defaultConfig
            if unsafeSynchronousOff { options.durability = .unsafeOff }
            if let model {
                options.modelFile = model
                options.modelFlag = model
                if let configured = file.modelFile, configured != model {
                    logger.notice("--model \(model) is used instead of the config's [model] file \(configured), at start and on reload")
                }
            }
            try await Daemon.run(options, logger: logger)
        } catch let e as ConfigFile.Failure {
            FileHandle.standardError.write(Data("mashd: \(e.description)\n".utf8))
            throw ExitCode(StartupError.config)
        } catch let e as StartupError {
            FileHandle.standardError.write(Data("mashd: \(e.description)\n".utf8))
            throw ExitCode(e.exitCode)
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("mashd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
