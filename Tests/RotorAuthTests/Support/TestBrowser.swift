import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import RotorAuth

/// The test acting as the user's browser at the end of a login.
enum TestBrowser {
    /// What the callback server answered.
    struct Page {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// The query parameters of `url`, after checking the ones that never vary and the S256 challenge's shape.
    static func checkedParameters(of url: URL, issuer: OAuthIssuer) throws -> [String: String] {
        #expect(url.absoluteString.hasPrefix(issuer.endpoint("/oauth/authorize").absoluteString + "?"))
        let query = Dictionary(
            FormURLEncoding.decode(Substring(url.query(percentEncoded: true) ?? "")),
            uniquingKeysWith: { first, _ in first }
        )
        #expect(query["response_type"] == "code")
        #expect(query["client_id"] == "app_EMoamEEZ73f0CkXaXp7hrann")
        #expect(query["scope"] == "openid profile email offline_access")
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["id_token_add_organizations"] == "true")
        #expect(query["codex_cli_simplified_flow"] == "true")
        #expect(query["originator"] == "codex_cli_rs")
        #expect(query["prompt"] == "login")
        #expect(query["state"]?.count == 43)
        // base64url of a 32-byte SHA-256 digest
        #expect(query["code_challenge"]?.count == 43)
        #expect(query.count == 11)
        return query
    }

    /// The loopback port the redirect URI names.
    static func port(of redirectURI: String) throws -> Int {
        let url = try #require(URL(string: redirectURI))
        #expect(url.host() == "localhost")
        #expect(url.path() == "/auth/callback")
        return try #require(url.port)
    }

    /// `GET http://<host>:<port>/auth/callback?<query>`, as the browser follows the redirect.
    static func callback(host: String = "127.0.0.1", port: Int, query: String) async throws -> Page {
        let request = HTTPClientRequest(url: "http://\(host):\(port)/auth/callback?\(query)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return Page(status: Int(response.status.code), headers: headers, body: String(buffer: body))
    }
}
