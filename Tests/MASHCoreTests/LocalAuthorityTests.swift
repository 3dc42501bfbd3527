import MASHCore
import Testing

/// /work/shared/london-authorities.csv, typed in.
let londonAuthorities: [(gss: String, name: String)] = [
    ("E09000001", "City of London"),
    ("E09000002", "Barking and Dagenham"),
    ("E09000003", "Barnet"),
    ("E09000004", "Bexley"),
    ("E09000005", "Brent"),
    ("E09000006", "Bromley"),
    ("E09000007", "Camden"),
    ("E09000008", "Croydon"),
    ("E09000009", "Ealing"),
    ("E09000010", "Enfield"),
    ("E09000011", "Greenwich"),
    ("E09000012", "Hackney"),
    ("E09000013", "Hammersmith and Fulham"),
    ("E09000014", "Haringey"),
    ("E09000015", "Harrow"),
    ("E09000016", "Havering"),
    ("E09000017", "Hillingdon"),
    ("E09000018", "Hounslow"),
    ("E09000019", "Islington"),
    ("E09000020", "Kensington and Chelsea"),
    ("E09000021", "Kingston upon Thames"),
    ("E09000022", "Lambeth"),
    ("E09000023", "Lewisham"),
    ("E09000024", "Merton"),
    ("E09000025", "Newham"),
    ("E09000026", "Redbridge"),
    ("E09000027", "Richmond upon Thames"),
    ("E09000028", "Southwark"),
    ("E09000029", "Sutton"),
    ("E09000030", "Tower Hamlets"),
    ("E09000031", "Waltham Forest"),
    ("E09000032", "Wandsworth"),
    ("E09000033", "Westminster"),
]

@Suite("LocalAuthority")
struct LocalAuthorityTests {
    @Test("the table has the 33 London authorities in GSS order")
    func all() {
        #expect(londonAuthorities.count == 33)
        #expect(LocalAuthority.all.count == 33)
        #expect(LocalAuthority.all.map(\.gss) == londonAuthorities.map(\.gss))
        #expect(LocalAuthority.all.map(\.name) == londonAuthorities.map(\.name))
    }

    @Test("found by GSS code and by name, in any case and spacing", arguments: londonAuthorities.map { [$0.gss, $0.name] })
    func lookup(row: [String]) throws {
        let (gss, name) = (row[0], row[1])
        let spaced = "  " + name.split(separator: " ").joined(separator: "   ") + "\t"
        for text in [gss, gss.lowercased(), " \(gss) ", name, name.lowercased(), name.uppercased(), spaced] {
            let a = try #require(LocalAuthority.named(text), "\(text) not found")
            #expect(a.gss == gss)
            #expect(a.name == name)
        }
    }

    @Test("unknown names are refused", arguments: [
        "", " ", "London", "Hackney Wick", "Middlesex", "E09000000", "E09000034", "E0900001", "E090000012",
        "Kingston", "Kingston-upon-Thames", "Richmond", "Westminster City", "HackneyX", "E10000012",
        "Hammersmith & Fulham", "City Of Westminster",
    ])
    func unknown(text: String) {
        #expect(LocalAuthority.named(text) == nil)
    }
}
