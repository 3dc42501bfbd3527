/// The 33 London local authorities that each run a MASH. Notifications name theirs by GSS code
/// or by name; both are matched case-insensitively so that upstream spelling of case never
/// turns a concern away. The table is `london-authorities.csv`, compiled in.
public struct LocalAuthority: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The GSS code, `E09000001` to `E09000033`.
    public let gss: String
    /// The name as in `london-authorities.csv`.
    public let name: String

    public var description: String { "\(name) (\(gss))" }

    /// Finds an authority by GSS code or name, ignoring case and runs of white space.
    public static func named(_ text: String) -> LocalAuthority? {
        index[PersonName.normalise(text)]
    }

    private static let index: [String: LocalAuthority] = {
        var d: [String: LocalAuthority] = [:]
        for a in all {
            d[PersonName.normalise(a.gss)] = a
            d[PersonName.normalise(a.name)] = a
        }
        return d
    }()

    /// Every London authority, in GSS order.
    public static let all: [LocalAuthority] = [
        LocalAuthority(gss: "E09000001", name: "City of London"),
        LocalAuthority(gss: "E09000002", name: "Barking and Dagenham"),
        LocalAuthority(gss: "E09000003", name: "Barnet"),
        LocalAuthority(gss: "E09000004", name: "Bexley"),
        LocalAuthority(gss: "E09000005", name: "Brent"),
        LocalAuthority(gss: "E09000006", name: "Bromley"),
        LocalAuthority(gss: "E09000007", name: "Camden"),
        LocalAuthority(gss: "E09000008", name: "Croydon"),
        LocalAuthority(gss: "E09000009", name: "Ealing"),
        LocalAuthority(gss: "E09000010", name: "Enfield"),
        LocalAuthority(gss: "E09000011", name: "Greenwich"),
        LocalAuthority(gss: "E09000012", name: "Hackney"),
        LocalAuthority(gss: "E09000013", name: "Hammersmith and Fulham"),
        LocalAuthority(gss: "E09000014", name: "Haringey"),
        LocalAuthority(gss: "E09000015", name: "Harrow"),
        LocalAuthority(gss: "E09000016", name: "Havering"),
        LocalAuthority(gss: "E09000017", name: "Hillingdon"),
        LocalAuthority(gss: "E09000018", name: "Hounslow"),
        LocalAuthority(gss: "E09000019", name: "Islington"),
        LocalAuthority(gss: "E09000020", name: "Kensington and Chelsea"),
        LocalAuthority(gss: "E09000021", name: "Kingston upon Thames"),
        LocalAuthority(gss: "E09000022", name: "Lambeth"),
        LocalAuthority(gss: "E09000023", name: "Lewisham"),
        LocalAuthority(gss: "E09000024", name: "Merton"),
        LocalAuthority(gss: "E09000025", name: "Newham"),
        LocalAuthority(gss: "E09000026", name: "Redbridge"),
        LocalAuthority(gss: "E09000027", name: "Richmond upon Thames"),
        LocalAuthority(gss: "E09000028", name: "Southwark"),
        LocalAuthority(gss: "E09000029", name: "Sutton"),
        LocalAuthority(gss: "E09000030", name: "Tower Hamlets"),
        LocalAuthority(gss: "E09000031", name: "Waltham Forest"),
        LocalAuthority(gss: "E09000032", name: "Wandsworth"),
        LocalAuthority(gss: "E09000033", name: "Westminster"),
    ]
}
