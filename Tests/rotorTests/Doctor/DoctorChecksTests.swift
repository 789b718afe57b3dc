import Foundation
import RotorCore
import Testing

@testable import rotor

/// Each check of `rotor doctor` from its facts: the finding, and the fix when something needs doing.
struct DoctorChecksTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static func account(_ label: String, status: AccountStatus = .ready, cooldown: Cooldown? = nil,
                        windowMinutes: Int? = nil) -> Account {
        Account(id: AccountID(UUID()), label: label, email: "\(label)@x.io", chatgptAccountID: "acct", status: status,
                cooldown: cooldown,
                usage: windowMinutes.map {
                    UsageSnapshot(primary: UsageWindow(usedPercent: 100, windowMinutes: $0), observedAt: now)
                },
                createdAt: now)
    }

    @Test func looseModesNeedAction() {
        let finding = DoctorChecks.stateDirectory(path: "/s", exists: true, looseModes: [("/s/rotor.sqlite", 0o644)])
        #expect(finding.status == .action)
        #expect(finding.summary == "others may read rotor's state: /s/rotor.sqlite (644)")
        #expect(finding.fix == "chmod -R go-rwx '/s'")
        #expect(DoctorChecks.stateDirectory(path: "/s", exists: true, looseModes: []).status == .ok)
    }

    @Test func databaseProblemsNeedAction() {
        #expect(DoctorChecks.database(openError: "locked", problems: [], schema: nil).status == .action)
        #expect(DoctorChecks.database(openError: nil, problems: ["row 3 missing"], schema: (6, 6)).status == .action)
        #expect(DoctorChecks.database(openError: nil, problems: [], schema: (6, 6)).summary
            == "integrity ok; schema 6 of 6 migrations")
    }

    @Test func needsLoginAndLongCooldownsNeedAction() {
        let dead = Self.account("dead", status: .needsLogin(reason: "refresh_token_reused"))
        let logins = DoctorChecks.logins([Self.account("fine"), dead])
        #expect(logins.status == .action)
        #expect(logins.summary == "needs a new login: dead (refresh_token_reused)")
        #expect(logins.fix == "run `rotor accounts add` and log in as dead@x.io")

        let weekly = Self.account("weekly", cooldown: Cooldown(until: Self.now.addingTimeInterval(6 * 86_400),
                                                                reason: .usageLimit), windowMinutes: 10_080)
        let fiveHours = Self.account("fiveh", cooldown: Cooldown(until: Self.now.addingTimeInterval(6 * 3600),
                                                                  reason: .usageLimit), windowMinutes: 300)
        let rate = Self.account("rate", cooldown: Cooldown(until: Self.now.addingTimeInterval(2 * 86_400),
                                                            reason: .rateLimit))
        let cooldowns = DoctorChecks.cooldowns([weekly, fiveHours, rate], now: Self.now)
        #expect(cooldowns.status == .action)
        #expect(cooldowns.summary == "cooling longer than their limit lasts: fiveh (usage-limit, 6 h), rate (rate-limit, 48 h)")
        #expect(DoctorChecks.cooldowns([weekly], now: Self.now).status == .ok)
    }

    @Test func codexVersionAndSharedLogin() {
        #expect(DoctorChecks.codex(path: nil, version: nil).status == .warning)
        #expect(DoctorChecks.codex(path: "/bin/codex", version: "codex-cli 0.170.0").status == .warning)
        #expect(DoctorChecks.codex(path: "/bin/codex", version: "codex-cli 0.163.0").status == .ok)
        let shared = DoctorChecks.codexLogin(path: "/h/.codex/auth.json", sharedWith: Self.account("me"))
        #expect(shared.status == .action)
        #expect(shared.summary == "/h/.codex/auth.json holds the same login as me: Codex and rotor would both refresh it")
    }

    @Test func environmentAndPorts() {
        #expect(DoctorChecks.environment(error: "ROTOR_MAX_WAIT=x is not …").status == .action)
        #expect(DoctorChecks.loginPorts(busy: [1455], all: [1455, 1457]).status == .warning)
        #expect(DoctorChecks.loginPorts(busy: [1455, 1457], all: [1455, 1457]).status == .action)
        #expect(DoctorChecks.loginPorts(busy: [], all: [1455, 1457]).summary == "ports 1455, 1457 are free")
    }

    @Test func anInvalidConfigFileNeedsActionAndAValidOneIsNamed() {
        let invalid = DoctorChecks.config(
            path: "/c.toml", version: nil, error: "/c.toml:2: routing.strategy: \"x\" is not a strategy; use headroom")
        #expect(invalid.status == .action)
        #expect(invalid.summary == "/c.toml:2: routing.strategy: \"x\" is not a strategy; use headroom")
        #expect(invalid.fix == "correct that line (docs/routing.md lists the keys), then run `rotor policy check`")
        #expect(DoctorChecks.config(path: "/c.toml", version: "1a2b3c4d", error: nil)
            == .ok("config", "/c.toml is in force (policy 1a2b3c4d)"))
        #expect(DoctorChecks.config(path: "/c.toml", version: nil, error: nil)
            == .ok("config", "no file at /c.toml: the default policy is in force"))
        #expect(DoctorChecks.config(path: nil, version: nil, error: nil).status == .ok)
    }
}
