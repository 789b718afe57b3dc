import HTTPTypes
import RotorCore
@testable import RotorProxy
import Testing

/// The guards as a pure function of the request head, in the order.
struct RequestGuardTests {
    private let secret = ProxySecret(text: "s3cret-s3cret-s3cret")

    private func head(
        method: HTTPRequest.Method = .post,
        authority: String? = "127.0.0.1:4000",
        _ fields: [(String, String)]
    ) -> HTTPRequest {
        var headerFields = HTTPFields()
        for (name, value) in fields { headerFields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return HTTPRequest(method: method, scheme: "http", authority: authority, path: "/v1/responses", headerFields: headerFields)
    }

    private func code(_ request: HTTPRequest) -> String? {
        RequestGuard(secret: secret, port: 4000, maxBodyBytes: 100).rejection(for: request)?.code
    }

    /// Every check, and the first failing one wins: the secret before anything else.
    @Test func checksInOrder() {
        let auth = ("authorization", "Bearer s3cret-s3cret-s3cret")
        #expect(code(head([auth])) == nil)
        #expect(code(head([("x-api-key", "s3cret-s3cret-s3cret")])) == nil)
        #expect(code(head(authority: "[::1]:4000", [auth])) == nil)
        #expect(code(head(authority: "LocalHost:4000", [auth])) == nil)
        #expect(code(head(authority: "evil.com", [("origin", "x"), ("content-length", "1000")])) == "invalid_proxy_secret")
        #expect(code(head(authority: "evil.com", [auth, ("origin", "x")])) == "forbidden_host")
        #expect(code(head(authority: nil, [auth])) == "forbidden_host")
        #expect(code(head([auth, ("origin", "x")])) == "forbidden_origin")
        #expect(code(head(method: .connect, [auth, ("content-length", "1000")])) == "method_not_allowed")
        #expect(code(head([auth, ("x-rotor-internal-absolute-form", "1"), ("content-length", "1000")])) == "absolute_form_target")
        #expect(code(head([auth, ("content-length", "101")])) == "request_too_large")
        #expect(code(head([auth, ("content-length", "100")])) == nil)
    }
}
