import Testing

@testable import RotorAuth

struct PastedRedirectTests {
    /// Each accepted form yields the code when the state matches.
    @Test(arguments: [
        "http://localhost:1455/auth/callback?code=the-code&state=S",
        "  http://localhost:1455/auth/callback?code=the-code&state=S#fragment \n",
        "http://localhost:1457/auth/callback?state=S&scope=openid&code=the-code",
        "code=the-code&state=S",
        "?code=the-code&state=S",
        "the-code#S",
    ])
    func acceptedForms(_ pasted: String) {
        #expect(PastedRedirect.code(from: pasted, expectedState: "S") == .success("the-code"))
    }

    /// Text that is none of the forms is not an answer at all (the user is asked again).
    @Test(arguments: ["", "hello", "http://localhost:1455/auth/callback", "#S", "the-code#", "some words here"])
    func unrecognized(_ pasted: String) {
        #expect(PastedRedirect.code(from: pasted, expectedState: "S") == nil)
    }

    /// A recognised answer still fails on a wrong state, an error or a missing code.
    @Test func failures() {
        #expect(PastedRedirect.code(from: "the-code#T", expectedState: "S") == .failure(.stateMismatch))
        #expect(PastedRedirect.code(from: "state=S", expectedState: "S") == .failure(.missingCode))
        #expect(
            PastedRedirect.code(from: "error=access_denied&state=S", expectedState: "S")
                == .failure(.authorizationDenied(error: "access_denied", description: nil))
        )
    }
}
