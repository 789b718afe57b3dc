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
    /// An empty variable counts as unset, as for the shell's own lookups.
    public static func url(environment: [String: String]) -> URL? {
        if let explicit = environment["ROTOR_CONFIG"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("rotor").appendingPathComponent("config.toml")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return URL(fileURLWithPath: home).appendingPathComponent(".config").appendingPathComponent("rotor")
                .appendingPathComponent("config.toml")
        }
        return nil
    }
}
