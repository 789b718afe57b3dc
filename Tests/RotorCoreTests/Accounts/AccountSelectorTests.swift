import Foundation
import RotorCore
import Testing

struct AccountSelectorTests {
    static func account(_ id: String, label: String, email: String) -> Account {
        Account(
            id: AccountID(id)!, label: label, email: email, chatgptAccountID: "acct",
            createdAt: Date(timeIntervalSince1970: 0)
        )
    }

    static let work = account("0a1b2c3d-0000-4000-8000-000000000001", label: "work", email: "me@corp.io")
    static let home = account("0a1b9999-0000-4000-8000-000000000002", label: "me@home.io", email: "me@home.io")
    static let team = account(
        "ffff0000-0000-4000-8000-000000000003", label: "me@home.io (ffff0000)", email: "me@home.io"
    )
    static let all = [work, home, team]

    /// Exact label, exact email (any case) and id prefixes of 4+ characters select one account.
    @Test(arguments: [
        ("work", work), ("me@corp.io", work), ("ME@CORP.IO", work), ("me@home.io", home),
        ("me@home.io (ffff0000)", team), ("0a1b2c3d", work), ("0A1B2", work), ("ffff", team),
        ("0a1b9999-0000-4000-8000-000000000002", home),
    ])
    func selectsOne(selector: String, expected: Account) throws {
        #expect(try AccountSelector(selector).match(in: Self.all) == expected)
    }

    /// A label match wins over email matches: "me@home.io" is home's label although team shares the email.
    @Test func labelWinsOverEmail() throws {
        #expect(try AccountSelector("me@home.io").match(in: Self.all) == Self.home)
        let withoutHome = [Self.work, Self.team, Self.account(
            "12345678-0000-4000-8000-000000000004", label: "other", email: "me@home.io"
        )]
        #expect(throws: AccountSelectorError.self) { try AccountSelector("me@home.io").match(in: withoutHome) }
    }

    /// Several matches at one level are an error listing each match's short id and label.
    @Test func ambiguousListsMatches() {
        let error = #expect(throws: AccountSelectorError.self) { try AccountSelector("0a1b").match(in: Self.all) }
        #expect(error == .ambiguous(selector: "0a1b", matches: [Self.work, Self.home]))
        #expect(error?.description.contains("0a1b2c3d (work)") == true)
        #expect(error?.description.contains("0a1b9999 (me@home.io)") == true)
        #expect(error?.exitCode == ExitStatusCode.noUser)
    }

    /// No match, including a prefix shorter than 4 characters, is an error saying how to find the accounts.
    @Test(arguments: ["0a1", "nobody", "", "work "])
    func noMatch(selector: String) {
        let error = #expect(throws: AccountSelectorError.self) { try AccountSelector(selector).match(in: Self.all) }
        #expect(error == .noMatch(selector: selector))
        #expect(error?.description.contains("rotor accounts list") == true)
    }

    /// For destructive commands a selector naming different accounts at different levels is refused, listing them:
    /// "me@home.io" is home's label and team's email. One that names one account at every level is accepted.
    @Test func destructiveCommandsRefuseASelectorThatNamesSeveralAccounts() throws {
        #expect(throws: AccountSelectorError.ambiguous(selector: "me@home.io", matches: [Self.home, Self.team])) {
            try AccountSelector("me@home.io").matchUnambiguously(in: Self.all)
        }
        #expect(try AccountSelector("work").matchUnambiguously(in: Self.all) == Self.work)
        #expect(try AccountSelector("me@corp.io").matchUnambiguously(in: Self.all) == Self.work)
        #expect(try AccountSelector("ffff").matchUnambiguously(in: Self.all) == Self.team)
        #expect(throws: AccountSelectorError.noMatch(selector: "nobody")) {
            try AccountSelector("nobody").matchUnambiguously(in: Self.all)
        }
    }
}
