import Foundation
import RotorProxy
import RotorTestSupport
import Testing

/// The guards of docs/proxy.md on a live proxy, with raw requests a browser or an attacker could send.
struct ProxySecurityTests {
    private static let paths = ["/v1/responses", "/responses", "/backend-api/codex/responses", "/", "/v1/models", "/nope"]

    private func exchange(_ proxy: ProxyUnderTest, _ request: String) async throws -> RawResponse {
        try await withRawConnection(port: proxy.port) { connection in
            try connection.send(request)
            return try connection.readResponse()
        }
    }

    private func expectJSONError(_ response: RawResponse, status: Int, code: String) throws {
        #expect(response.status == status)
        #expect(response.header("content-type") == "application/json")
        #expect(!response.headers.contains { $0.0.hasPrefix("access-control-") })
        let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        let error = object?["error"] as? [String: Any]
        #expect(error?["code"] as? String == code)
        #expect(error?["type"] is String)
        #expect((error?["message"] as? String)?.isEmpty == false)
    }

    /// Without the secret, or with a wrong one, every path (known or not) answers 401 and the upstream sees nothing.
    @Test func refusesMissingOrWrongSecretOnEveryPath() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let host = "Host: 127.0.0.1:\(proxy.port)\r\n"
                    for path in Self.paths {
                        for credential in ["", "Authorization: Bearer wrong\r\n", "Authorization: Basic \(proxy.secret.text)\r\n",
                            "x-api-key: \(proxy.secret.text)x\r\n", "Authorization: Bearer \(proxy.secret.text.dropLast())\r\n"]
                        {
                            let response = try await exchange(proxy, "POST \(path) HTTP/1.1\r\n\(host)\(credential)Content-Length: 2\r\n\r\n{}")
                            try expectJSONError(response, status: 401, code: "invalid_proxy_secret")
                        }
                    }
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// `x-api-key: <secret>` is accepted as well as the bearer form.
    @Test func acceptsTheSecretAsAnAPIKey() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await exchange(
                        proxy,
                        "POST /v1/responses HTTP/1.1\r\nHost: localhost:\(proxy.port)\r\nx-api-key: \(proxy.secret.text)\r\nContent-Length: 15\r\n\r\n{\"stream\":true}"
                    )
                    #expect(response.status == 200)
                    #expect(upstream.log.all.count == 1)
                }
            }
        }
    }

    /// A foreign Host (DNS rebinding) or the right host on another port is refused with 403.
    @Test(arguments: ["evil.com", "127.0.0.1:1", "localhost", "127.0.0.1", "evil.com:PORT", "127.0.0.2:PORT"])
    func refusesForeignHosts(host: String) async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let forged = host.replacingOccurrences(of: "PORT", with: "\(proxy.port)")
                    let response = try await exchange(
                        proxy,
                        "POST /v1/responses HTTP/1.1\r\nHost: \(forged)\r\nAuthorization: Bearer \(proxy.secret.text)\r\nContent-Length: 2\r\n\r\n{}"
                    )
                    try expectJSONError(response, status: 403, code: "forbidden_host")
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// A request with more than one `Host` line is refused (400, as HTTP/1.1 requires), whichever line is foreign:
    /// a second, foreign host behind an allowed first one must not slip past the allowlist.
    @Test(arguments: [("127.0.0.1:PORT", "evil.example"), ("evil.example", "127.0.0.1:PORT"), ("localhost:PORT", "127.0.0.1:PORT")])
    func refusesSeveralHostLines(first: String, second: String) async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let hosts = [first, second].map { $0.replacingOccurrences(of: "PORT", with: "\(proxy.port)") }
                    let response = try await exchange(
                        proxy,
                        "POST /v1/responses HTTP/1.1\r\nHost: \(hosts[0])\r\nHost: \(hosts[1])\r\n"
                            + "Authorization: Bearer \(proxy.secret.text)\r\nContent-Length: 2\r\n\r\n{}"
                    )
                    try expectJSONError(response, status: 400, code: "several_hosts")
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// Any Origin header (a web page) is refused with 403, and no CORS header is ever sent.
    @Test func refusesBrowserOrigins() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    for origin in ["https://evil.com", "null", "http://127.0.0.1:\(proxy.port)"] {
                        let response = try await exchange(
                            proxy,
                            "OPTIONS /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nOrigin: \(origin)\r\nAuthorization: Bearer \(proxy.secret.text)\r\nAccess-Control-Request-Method: POST\r\n\r\n"
                        )
                        try expectJSONError(response, status: 403, code: "forbidden_origin")
                    }
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// CONNECT gets 405 and an absolute-form target 400 (a client-sent marker header is ignored): rotor is not a
    /// general proxy.
    @Test func refusesProxyRequests() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let auth = "Authorization: Bearer \(proxy.secret.text)\r\n"
                    let connect = try await exchange(proxy, "CONNECT chatgpt.com:443 HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\n\(auth)\r\n")
                    // NIO's encoder sends no body in answers to CONNECT: the status is what counts.
                    #expect(connect.status == 405)
                    for target in ["http://127.0.0.1:\(proxy.port)/v1/responses", "http://chatgpt.com/backend-api/codex/responses"] {
                        let absolute = try await exchange(
                            proxy,
                            "POST \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\n\(auth)Content-Length: 2\r\n\r\n{}"
                        )
                        try expectJSONError(absolute, status: 400, code: "absolute_form_target")
                    }
                    let forged = try await exchange(
                        proxy,
                        "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\n\(auth)x-rotor-internal-absolute-form: 1\r\nContent-Length: 15\r\n\r\n{\"stream\":true}"
                    )
                    #expect(forged.status == 200)
                    #expect(upstream.log.all.count == 1)
                }
            }
        }
    }

    /// Bodies above the cap get 413: declared ones before reading, chunked ones as soon as they pass it.
    @Test func refusesOversizedBodies() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, configure: { $0.maxBodyBytes = 1_000 }) { proxy in
                    let head = "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\n"
                    let declared = try await exchange(proxy, head + "Content-Length: 100000000\r\n\r\n")
                    try expectJSONError(declared, status: 413, code: "request_too_large")
                    let chunk = String(repeating: " ", count: 800)
                    let chunked = try await exchange(
                        proxy,
                        head + "Transfer-Encoding: chunked\r\n\r\n320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
                    )
                    try expectJSONError(chunked, status: 413, code: "request_too_large")
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// Unknown paths get a JSON 404 and websocket upgrades a 426 (Codex then falls back to HTTP).
    @Test func answersUnknownPathsAndWebsockets() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let auth = "Host: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\n"
                    try expectJSONError(try await exchange(proxy, "GET /v1/models HTTP/1.1\r\n\(auth)\r\n"), status: 404, code: "not_found")
                    try expectJSONError(try await exchange(proxy, "GET /v1/responses HTTP/1.1\r\n\(auth)\r\n"), status: 404, code: "not_found")
                    let upgrade = try await exchange(
                        proxy,
                        "GET /backend-api/codex/responses HTTP/1.1\r\n\(auth)Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
                    )
                    try expectJSONError(upgrade, status: 426, code: "websocket_unsupported")
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// A compressed body is refused with 415 and a message saying how to turn compression off.
    @Test(arguments: ["zstd", "gzip"])
    func refusesCompressedBodies(encoding: String) async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let response = try await proxy.send(proxy.request(body: "\u{28}\u{b5}", headers: [("content-encoding", encoding)]))
                    #expect(response.status == 415)
                    #expect(response.body.contains("uncompressed"))
                    #expect(response.body.contains("unsupported_content_encoding"))
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// `Expect: 100-continue` is answered at once, so such clients do not stall before sending the body.
    @Test func answersExpectContinue() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let head = "POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\nExpect: 100-continue\r\nContent-Length: 15\r\n\r\n"
                    let statuses = try await withRawConnection(port: proxy.port) { connection in
                        try connection.send(head)
                        let interim = try connection.readResponse().status
                        try connection.send("{\"stream\":true}")
                        return [interim, try connection.readResponse().status]
                    }
                    #expect(statuses == [100, 200])
                }
            }
        }
    }

    /// Only the two loopback literals can be bound.
    @Test func acceptsOnlyLoopbackLiterals() {
        #expect(LoopbackHost(literal: "127.0.0.1") == .ipv4)
        #expect(LoopbackHost(literal: "::1") == .ipv6)
        for other in ["0.0.0.0", "localhost", "::", "192.168.1.2", "127.0.0.2", ""] {
            #expect(LoopbackHost(literal: other) == nil)
        }
    }

    /// No usable account: 503 naming the commands that add one, and no upstream request.
    @Test func answersNoAccountWithTheFix() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: { _ in SSE.response(SSE.okStream) }) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, accounts: .make([])) { proxy in
                    let response = try await proxy.send(proxy.request(body: "{}"))
                    #expect(response.status == 503)
                    #expect(response.body.contains("rotor accounts import"))
                    #expect(response.body.contains("rotor accounts add"))
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }
}
