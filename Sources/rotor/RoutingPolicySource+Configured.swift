import Foundation
import RotorConfig
import RotorCore
import RotorProxy

extension RoutingPolicySource {
    /// The routing policy of the config file (`$ROTOR_CONFIG`, else `$XDG_CONFIG_HOME/rotor/config.toml`, else
    /// `~/.config/rotor/config.toml`), read now against `accounts` and again on the first request after an edit;
    /// rotor's default order while there is no file.
    ///
    /// - Throws: ``ConfigFileError`` (exit 78) when the file fails the check: `rotor proxy` and `rotor run` do not
    ///   start on it.
    static func configured(environment: [String: String], accounts: [Account]) throws(ConfigFileError)
        -> RoutingPolicySource
    {
        guard let url = try ConfigLocation.url(environment: environment) else { return .default }
        do {
            return try RoutingPolicySource(file: url.path(percentEncoded: false), accounts: accounts) { path, pool in
                try PolicyFile.load(at: URL(fileURLWithPath: path), accounts: pool)?.policy
            }
        } catch let error as ConfigFileError {
            throw error
        } catch {
            throw ConfigFileError(path: url.path(percentEncoded: false), problem: "\(error)")
        }
    }
}

extension RoutingPolicy {
    /// The policy of the config file, for showing which accounts are `reserved` (`rotor status`,
    /// `rotor accounts list`): rotor's default order when there is no file, or when it fails the check — those
    /// commands ignore a broken file, which `rotor policy check` and `rotor doctor` report.
    static func configured(environment: [String: String], accounts: [Account]) -> RoutingPolicy {
        (try? PolicyFile.configured(environment: environment, accounts: accounts))??.policy ?? .default
    }
}

extension PolicyFile {
    /// The policy of the config file where ``ConfigLocation`` says it is, resolved against `accounts`; `nil` when
    /// there is no file (rotor's default order).
    static func configured(environment: [String: String], accounts: [Account]) throws(ConfigFileError)
        -> LoadedPolicy?
    {
        guard let url = try ConfigLocation.url(environment: environment) else { return nil }
        return try load(at: url, accounts: accounts)
    }
}

extension ConfigFileError {
    /// After `rotor accounts remove` or `rename`: the config file's error against the accounts as they are now, when
    /// it names an account that changed (the next `rotor run` or `rotor proxy` would refuse to start on it); `nil`
    /// when there is no file or it still passes the check.
    static func afterAccountsChanged(environment: [String: String], accounts: [Account]) -> ConfigFileError? {
        do {
            _ = try PolicyFile.configured(environment: environment, accounts: accounts)
            return nil
        } catch {
            return error
        }
    }

    /// The warning `rotor accounts remove` and `rename` print about it.
    var noticeAfterAccountsChanged: String {
        "warning: the config file no longer passes the check: \(description). Fix it before the next `rotor run` "
            + "(runbooks/change-routing-policy.md)."
    }
}
