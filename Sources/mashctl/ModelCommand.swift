import ArgumentParser
import Foundation
import MASHCore
import MASHWire

/// `mashctl model`: prints the embedded standard model, or checks a model file and lists how
/// it differs from the standard, so a borough sees its local variation before mashd reports it.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Print the standard risk model, or check a model file against it.",
        discussion: """
            Without --check, prints london-standard version 1, the model mashd runs when no \
            --model is given, as a model file: copy it to make a local model. With --check FILE, \
            validates FILE as mashd would at start and prints its name, version and checksum, and \
            every difference from the standard (each one a local variation that mashd reports).

            EXIT STATUS
              0  printed, or the file is valid
              1  the file is invalid (the message names the line and the field)
            """)

    @Option(name: .long, help: ArgumentHelp("A model file to validate and compare with the standard.", valueName: "FILE"))
    var check: String?

    func run() throws {
        guard let check else {
            print(StandardModel.text)
            return
        }
        let data: Data
        do {
            data = try InputFile.read(check)
        } catch {
            printError("mashctl model: \(error)")
            throw ExitCode(1)
        }
        let model: RiskModel
        do {
            model = try ModelFile.parse(Array(data), source: check)
        } catch {
            printError("mashctl model: \(error)")
            throw ExitCode(1)
        }
        let id = CanonicalModel.identity(model)
        print("\(id.name) version \(id.version), checksum \(id.checksum)")
        let differences = ModelDifferences.between(StandardModel.model, model)
        if differences.isEmpty {
            print("the London standard, unchanged")
        } else {
            print("a local variation of the London standard, in \(differences.count) place(s):")
            for d in differences { print("  \(d)") }
        }
    }
}
