import ArgumentParser
import Foundation
import Logging
import MASHDaemon

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

            FILES
              STATE/mashd.sqlite        the store (SQLite, WAL, synchronous=FULL)
              STATE/mashd.lock          held while mashd runs; a second mashd on STATE refuses to start
              STATE/intake.sock         the intake socket, unless --socket, the config or
                                        $RUNTIME_DIRECTORY say otherwise
              STATE/outbox/AGENCY/      one Maildir (tmp/, new/, cur/) per agency

            ENVIRONMENT
              STATE_DIRECTORY           the state directory when --state-dir is not given (systemd)
              RUNTIME_DIRECTORY         where intake.sock goes when --socket is not given (systemd)

            SIGNALS
              SIGTERM, SIGINT           stop accepting connections, commit and answer every line
                                        already read, then exit 0

            EXIT STATUS
              0   stopped cleanly
              64  bad usage (for instance a socket path too long)
              73  the state directory or the store cannot be created or opened
              75  another mashd holds the state directory
              78  the config file is invalid

            EXAMPLES
              mashd --state-dir /tmp/mash
              mashctl send --socket /tmp/mash/intake.sock notifications.ndjson
            """)

    @Option(name: .long, help: ArgumentHelp("The state directory (default: $STATE_DIRECTORY, else /var/lib/mashd).", valueName: "DIR"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("The intake socket path (default: STATE/intake.sock).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("A TOML config file. Every key has a default; see README.md.", valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A risk model file (JSON) instead of the embedded london-standard v1. Any difference from the standard is a local variation: logged and escalated to mash-manager.", valueName: "FILE"))
    var model: String?

    @Flag(name: .long, help: .hidden)
    var unsafeSynchronousOff = false

    mutating func run() async throws {
        var logger = Logger(label: "mashd")
        logger.logLevel = .info
        do {
            let file = try config.map { (path) throws(ConfigFile.Failure) in try ConfigFile.load(path: path) } ?? ConfigFile()
            var options = DaemonOptions.resolve(
                stateDirectory: stateDir, socket: socket, config: file, environment: ProcessInfo.processInfo.environment)
            if unsafeSynchronousOff { options.durability = .unsafeOff }
            if let model { options.modelFile = model }
            try await Daemon.run(options, logger: logger)
        } catch let e as ConfigFile.Failure {
            FileHandle.standardError.write(Data("mashd: \(e.description)\n".utf8))
            throw ExitCode(StartupError.config)
        } catch let e as StartupError {
            FileHandle.standardError.write(Data("mashd: \(e.description)\n".utf8))
            throw ExitCode(e.exitCode)
        }
    }
}
