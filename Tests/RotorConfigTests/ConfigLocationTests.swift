import Foundation
import RotorConfig
import RotorTestSupport
import Testing

struct ConfigLocationTests {
    /// $XDG_CONFIG_HOME wins over $HOME; an empty variable counts as unset, and a relative XDG_CONFIG_HOME is ignored.
    @Test(arguments: [
        (["ROTOR_CONFIG": "", "XDG_CONFIG_HOME": "/x", "HOME": "/h"], "/x/rotor/config.toml"),
        (["XDG_CONFIG_HOME": "/x", "HOME": "/h"], "/x/rotor/config.toml"),
        (["XDG_CONFIG_HOME": "", "HOME": "/h"], "/h/.config/rotor/config.toml"),
        (["XDG_CONFIG_HOME": "relative/x", "HOME": "/h"], "/h/.config/rotor/config.toml"),
        (["HOME": "/h"], "/h/.config/rotor/config.toml"),
    ])
    func theFirstSetVariableNamesTheFile(environment: [String: String], path: String) throws {
        #expect(try ConfigLocation.url(environment: environment)?.path(percentEncoded: false) == path)
    }

    /// $ROTOR_CONFIG wins over both, and must name a file: a typo is an error, not the default policy.
    @Test func rotorConfigNamesAFileThatExists() throws {
        let folder = try TemporaryDirectory(prefix: "rotor-config-location")
        defer { folder.remove() }
        let path = folder.path("rotor.toml")
        let environment = ["ROTOR_CONFIG": path, "XDG_CONFIG_HOME": "/x", "HOME": "/h"]
        #expect(throws: ConfigFileError(
            path: path, problem: "no such file, and ROTOR_CONFIG names it; create it, or unset ROTOR_CONFIG")) {
            try ConfigLocation.url(environment: environment)
        }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try ConfigLocation.url(environment: environment)?.path(percentEncoded: false) == path)
    }

    @Test func withoutAnyOfThemThereIsNoFile() throws {
        #expect(try ConfigLocation.url(environment: [:]) == nil)
        #expect(try ConfigLocation.url(environment: ["HOME": "", "XDG_CONFIG_HOME": ""]) == nil)
    }
}
