import Foundation
import RotorConfig
import Testing

struct ConfigLocationTests {
    /// $ROTOR_CONFIG wins over $XDG_CONFIG_HOME, which wins over $HOME; an empty variable counts as unset.
    @Test(arguments: [
        (["ROTOR_CONFIG": "/etc/r.toml", "XDG_CONFIG_HOME": "/x", "HOME": "/h"], "/etc/r.toml"),
        (["ROTOR_CONFIG": "", "XDG_CONFIG_HOME": "/x", "HOME": "/h"], "/x/rotor/config.toml"),
        (["XDG_CONFIG_HOME": "/x", "HOME": "/h"], "/x/rotor/config.toml"),
        (["XDG_CONFIG_HOME": "", "HOME": "/h"], "/h/.config/rotor/config.toml"),
        (["HOME": "/h"], "/h/.config/rotor/config.toml"),
    ])
    func theFirstSetVariableNamesTheFile(environment: [String: String], path: String) {
        #expect(ConfigLocation.url(environment: environment)?.path(percentEncoded: false) == path)
    }

    @Test func withoutAnyOfThemThereIsNoFile() {
        #expect(ConfigLocation.url(environment: [:]) == nil)
        #expect(ConfigLocation.url(environment: ["HOME": "", "XDG_CONFIG_HOME": ""]) == nil)
    }
}
