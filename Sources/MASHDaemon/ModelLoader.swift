import Foundation
import MASHCore
import MASHStore
import MASHWire

/// Loads the model mashd decides with: the embedded standard, or a model file, with the
/// config's timescales applied. Anything that differs from the standard makes it a local
/// variation, and the differences are listed so they can be reported.
public enum ModelLoader {
    public static func load(file: String?, timescales: [RAG: Int64], agencies: Set<Agency>) throws(StartupError) -> ActiveModel.Value {
        var model = StandardModel.model
        var source = "embedded"
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw StartupError("model \(file): cannot be read (\(String(cString: strerror(errno))))", exitCode: StartupError.config)
            }
            do {
                model = try ModelFile.parse(Array(data), source: file, agencies: agencies)
            } catch {
                throw StartupError("model \(error.description)", exitCode: StartupError.config)
            }
            source = file
        } else {
            // The embedded model names the standard agencies; a deployment with another list
            // must say where its model sends things.
            let named = Set(StandardModel.model.researchRecipients.values.joined())
                .union(StandardModel.model.outcomes.values.flatMap(\.recipients))
                .union([StandardModel.model.escalationRecipient])
            if let missing = named.subtracting(agencies).sorted().first {
                throw StartupError(
                    "the standard model sends products to \(missing), which [agencies] names does not list; add it or give a --model",
                    exitCode: StartupError.config)
            }
        }
        for (rag, seconds) in timescales { model.timescales[rag] = seconds }
        let differences = ModelDifferences.between(StandardModel.model, model)
        return ActiveModel.Value(
            screening: ScreeningModel(model: model, identity: CanonicalModel.identity(model)),
            isStandard: differences.isEmpty, differences: differences, source: source)
    }
}
