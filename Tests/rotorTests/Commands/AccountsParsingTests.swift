import ArgumentParser
import Foundation
import RotorCore
import RotorStore
import Testing

@testable import rotor

struct AccountsParsingTests {
    /// `reset` takes exactly one of an account and --all.
    @Test(arguments: [
        (["accounts", "reset", "work"], true),
        (["accounts", "reset", "--all"], true),
        (["accounts", "reset"], false),
        (["accounts", "reset", "work", "--all"], false),
    ])
    func resetNeedsExactlyOneTarget(arguments: [String], valid: Bool) {
        #expect(((try? Rotor.parseAsRoot(arguments)) != nil) == valid)
    }

    /// `remove` takes a selector and an optional --yes / -y.
    @Test func removeParsesYes() throws {
        let long = try #require(
            try Rotor.parseAsRoot(["accounts", "remove", "work", "--yes"]) as? Rotor.Accounts.Remove
        )
        #expect(long.selector == "work" && long.yes)
        let short = try #require(try Rotor.parseAsRoot(["accounts", "remove", "0a1b", "-y"]) as? Rotor.Accounts.Remove)
        #expect(short.yes)
        let asking = try #require(try Rotor.parseAsRoot(["accounts", "remove", "work"]) as? Rotor.Accounts.Remove)
        #expect(!asking.yes)
    }

    /// Only "y" and "yes" (any case, any surrounding whitespace) confirm.
    @Test(arguments: [
        ("y", true), ("yes", true), (" YES \n", true), ("Y", true), ("n", false), ("", false), ("yep", false),
        (nil, false),
    ] as [(String?, Bool)])
    func confirmation(answer: String?, confirmed: Bool) {
        #expect(Confirmation.isYes(answer) == confirmed)
    }

    /// The import report: `Added <email> (<plan>)`, `Added <email>` without a plan, `Updated <email>`.
    @Test func importReport() {
        let account = Account(
            id: AccountID("0a1b2c3d-0000-4000-8000-000000000001")!, label: "l", email: "a@x.io",
            chatgptAccountID: "acct", plan: "pro", createdAt: .init(timeIntervalSince1970: 0)
        )
        var planless = account
        planless.plan = nil
        #expect(Rotor.Accounts.Import.report(.added(account)) == "Added a@x.io (pro)")
        #expect(Rotor.Accounts.Import.report(.added(planless)) == "Added a@x.io")
        #expect(Rotor.Accounts.Import.report(.updated(account)) == "Updated a@x.io")
        #expect(Rotor.Accounts.Import.report(.unchanged(account)) == "Unchanged a@x.io")
        #expect(
            Rotor.Accounts.Import.report(.kept(account), importedFrom: "/tmp/auth.json")
                == "Kept a@x.io: the stored login is newer than /tmp/auth.json")
    }

    /// The default auth.json is $CODEX_HOME/auth.json, else ~/.codex/auth.json; an explicit path wins.
    @Test(arguments: [
        (nil, ["CODEX_HOME": "/c", "HOME": "/h"], "/c/auth.json"),
        (nil, ["CODEX_HOME": "", "HOME": "/h"], "/h/.codex/auth.json"),
        ("/p/auth.json", ["CODEX_HOME": "/c", "HOME": "/h"], "/p/auth.json"),
    ] as [(String?, [String: String], String)])
    func codexAuthLocation(path: String?, environment: [String: String], expected: String) {
        #expect(CodexAuthLocation.resolve(path, environment: environment).path == expected)
    }
}
