import ArgumentParser
import Foundation

/// `mashctl reload`: asks the running mashd to re-read its config and model, and waits for the
/// answer. It is the unit's `ExecReload=`, so `systemctl reload mashd` fails when the reload is
/// refused, and says why.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Make mashd re-read its config and model; wait until it has, or has refused.",
        discussion: """
            mashd re-reads the config file and the model file it was started with. A reload \
            takes the timescales, the model and the permissions; every other setting (sockets, \
            limits, workers, log level, metrics, agencies) is read only at start. The reload is \
            refused when a file is invalid, when one of those start-only settings changed, or \
            when the config file mashd started with has gone (an empty file gives the \
            defaults): the reason is printed here and logged, and the running configuration \
            goes on unchanged. The same happens on SIGHUP.

            EXIT STATUS
              0  reloaded
              1  refused (the reason is printed)
              2  mashd could not be reached
              64 bad usage (an unknown option or a missing argument)
            """)

    @Option(name: .long, help: ArgumentHelp("The control socket (default: control.sock in $RUNTIME_DIRECTORY, the state directory, or /run/mashd-control).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("The state directory mashd runs with, to find its control socket.", valueName: "DIR"))
    var stateDir: String?

    func run() throws {
        let path = ControlClient.locate("control.sock", socket: socket, stateDir: stateDir)
        let reply: [String: Any]
        do {
            reply = try ControlClient.ask("reload", at: path)
        } catch {
            printError("mashctl reload: \(error)")
            throw ExitCode(2)
        }
        if reply["ok"] as? Bool == true {
            print("reloaded: \(reply["model"] as? String ?? "?") (\((reply["checksum"] as? String ?? "").prefix(12)))\(reply["standard"] as? Bool == false ? ", a LOCAL VARIATION" : "")")
        } else {
            printError("mashctl reload: refused: \(reply["error"] as? String ?? "unknown reason"); the running configuration is unchanged")
            throw ExitCode(1)
        }
    }
}
