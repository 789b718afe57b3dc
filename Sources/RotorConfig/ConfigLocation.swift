#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Where rotor's config file is.
public enum ConfigLocation {
    /// $ROTOR_CONFIG, else $XDG_CONFIG_HOME/rotor/config.toml, else $HOME/.config/rotor/config.toml (nil without
    /// HOME).
    ///
    /// An empty variable counts as unset, as for the shell's own lookups, and a relative XDG_CONFIG_HOME is ignored,
    /// as the XDG base directory specification says. No file at the XDG or HOME location means rotor's default
    /// policy; no file where ROTOR_CONFIG points is a mistake worth saying (a typo would otherwise pass silently).
    ///
    /// - Throws: ``ConfigFileError`` when ROTOR_CONFIG names no file.
    public static func url(environment: [String: String]) throws(ConfigFileError) -> URL? {
        if let explicit = environment["ROTOR_CONFIG"], !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw ConfigFileError(
                    path: explicit, problem: "no such file, and ROTOR_CONFIG names it; create it, or unset ROTOR_CONFIG")
            }
            return URL(fileURLWithPath: explicit)
        }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("rotor").appendingPathComponent("config.toml")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent(".config").appendingPathComponent("rotor")
                .appendingPathComponent("config.toml")
        }
        return nil
    }
}
