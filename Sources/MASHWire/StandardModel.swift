import MASHCore

/// The London standard risk and threshold model, `london-standard` version 1, exactly as
/// MASH.md sets it out. It is data, read by `ModelFile` like any other model file, so the
/// embedded default and a borough's file go through the same checks. `mashctl model` prints it.
public enum StandardModel {
    public static let text = #"""
        {
          "name": "london-standard",
          "version": 1,
          "concernLevels": {
            "sexual-abuse": 4, "fgm": 4, "trafficking": 4, "sexual-exploitation": 4,
            "physical-abuse": 3, "domestic-abuse": 3, "neglect": 3, "criminal-exploitation": 3,
            "missing": 3, "radicalisation": 3, "self-harm": 3, "honour-based-abuse": 3,
            "emotional-abuse": 2, "parental-mental-health": 2, "parental-substance-misuse": 2,
            "child-mental-health": 2, "child-substance-misuse": 2, "young-carer": 2,
            "online-harm": 2, "housing": 2,
            "other": 1
          },
          "policeHighRiskFloor": 3,
          "modifiers": {
            "underOneOrUnborn": { "add": 1, "minimumLevel": 2 },
            "toxicTrio": { "add": 1, "concerns": ["domestic-abuse", "parental-mental-health", "parental-substance-misuse"] },
            "repeat": { "add": 1, "earlierNotifications": 2, "windowDays": 365 }
          },
          "informationExchange": { "officerRisk": "low", "onlyConcerns": ["other"], "level": 1 },
          "immediateRisk": { "level": 4, "rag": "red", "urgentRecipients": ["csc", "police"] },
          "indicators": {
            "sex-offender-in-household": { "setLevel": 4 },
            "previous-child-protection-plan": { "add": 1 },
            "violent-offender-in-household": { "add": 1 },
            "no-trace": {}
          },
          "rag": { "4": "red", "3": "amber", "2": "green", "1": "blue" },
          "timescales": { "red": "4h", "amber": "24h", "green": "72h" },
          "research": {
            "red": ["police", "health", "education", "probation", "housing", "yos"],
            "amber": ["police", "health", "education", "housing"],
            "green": ["health", "education"],
            "blue": []
          },
          "outcomes": {
            "4": { "outcome": "strategy-discussion", "recipients": ["csc", "police"] },
            "3": { "outcome": "csc-assessment", "recipients": ["csc"] },
            "2": { "outcome": "early-help", "recipients": ["early-help"] },
            "1": { "outcome": "nfa-signpost", "recipients": [] }
          },
          "openCase": { "outcome": "forward-to-allocated-team", "recipients": ["csc"] },
          "outcomeNotice": { "police": "police", "local-authority": "referrer-feedback" },
          "escalations": "mash-manager"
        }
        """#

    /// The parsed standard model. The text is fixed and tested, so a failure here is a build
    /// defect, not a runtime condition.
    public static let model: RiskModel = {
        do {
            return try ModelFile.parse(Array(text.utf8), source: "embedded london-standard")
        } catch {
            fatalError("the embedded standard model is invalid: \(error)")
        }
    }()
}
