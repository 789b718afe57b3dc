import Foundation
import RotorTestSupport
import Testing

@testable import RotorAuth

struct PKCETests {
    /// The S256 challenge matches RFC 7636 appendix B.
    @Test func challengeMatchesRFC7636Example() {
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    /// The verifier is 64 random bytes as unpadded base64url (86 characters); the state is 32 bytes (43).
    @Test func generatedVerifierAndStateHaveTheRightShape() {
        var rng = SeededGenerator(seed: 7)
        let request = AuthorizationRequest.generate(using: &rng)
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        #expect(request.pkce.verifier.count == 86)
        #expect(request.state.count == 43)
        #expect(request.pkce.verifier.allSatisfy(alphabet.contains))
        #expect(request.state.allSatisfy(alphabet.contains))
        #expect(request.pkce.challenge == PKCE.challenge(for: request.pkce.verifier))
    }

    /// The random source is the only input: one seed, one request; another seed, another.
    @Test func generationIsDrivenByTheInjectedGenerator() {
        var first = SeededGenerator(seed: 1)
        var again = SeededGenerator(seed: 1)
        var other = SeededGenerator(seed: 2)
        let request = AuthorizationRequest.generate(using: &first)
        #expect(request == AuthorizationRequest.generate(using: &again))
        #expect(request != AuthorizationRequest.generate(using: &other))
        #expect(request.pkce.verifier != request.state)
    }

    /// Printing a PKCE pair or a request never shows the verifier.
    @Test func verifierIsRedacted() {
        var rng = SeededGenerator(seed: 3)
        let request = AuthorizationRequest.generate(using: &rng)
        #expect(!"\(request)".contains(request.pkce.verifier))
        #expect(!String(reflecting: request.pkce).contains(request.pkce.verifier))
    }
}
