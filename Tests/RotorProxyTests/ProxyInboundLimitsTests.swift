import Foundation
import NIOCore
import NIOPosix
import RotorProxy
import RotorTestSupport
import Testing

/// How long the proxy holds a client connection, and how many it holds: a client that sends nothing, a head or a
/// body too slowly, or opens connection after connection must not use up rotor's file descriptors. The bounds are
/// set through the `ROTOR_*` variables, short, as a user would set them.
struct ProxyInboundLimitsTests {
    private static func environment(
        head: String = "5",
        keepAlive: String = "10",
        body: String = "5",
        maxConnections: String = "512"
    ) -> [String: String] {
        [
            "ROTOR_REQUEST_HEAD_TIMEOUT": head, "ROTOR_KEEPALIVE_TIMEOUT": keepAlive, "ROTOR_BODY_TIMEOUT": body,
            "ROTOR_MAX_CONNECTIONS": maxConnections,
        ]
    }

    private static let ok: FakeUpstream.Handler = { _ in SSE.response(SSE.okStream) }

    /// `Host` and the secret, for raw requests.
    private static func credentials(_ proxy: ProxyUnderTest) -> String {
        "Host: 127.0.0.1:\(proxy.port)\r\nAuthorization: Bearer \(proxy.secret.text)\r\n"
    }

    /// A request rotor answers itself (404) without closing the connection.
    private static func modelsRequest(_ proxy: ProxyUnderTest) -> String {
        "GET /v1/models HTTP/1.1\r\n\(credentials(proxy))\r\n"
    }

    /// The four variables set the limits; unset or empty ones keep the defaults; anything else is refused with
    /// the variable named.
    @Test func readsTheEnvironment() throws {
        let configured = try ProxyConfiguration.fromEnvironment(
            Self.environment(head: "2.5", keepAlive: "90", body: "0.25", maxConnections: "64"),
            secret: .generate()
        )
        #expect(
            configured.inbound
                == InboundLimits(requestHead: .milliseconds(2_500), keepAlive: .seconds(90), requestBody: .milliseconds(250),
                                 maxConnections: 64)
        )
        let defaults = try ProxyConfiguration.fromEnvironment(["ROTOR_MAX_CONNECTIONS": ""], secret: .generate())
        #expect(
            defaults.inbound
                == InboundLimits(requestHead: .seconds(10), keepAlive: .seconds(120), requestBody: .seconds(60),
                                 maxConnections: 512)
        )
        let refused: [(String, String)] = [
            ("ROTOR_REQUEST_HEAD_TIMEOUT", "0"), ("ROTOR_KEEPALIVE_TIMEOUT", "soon"), ("ROTOR_BODY_TIMEOUT", "-1"),
            ("ROTOR_BODY_TIMEOUT", "86401"), ("ROTOR_MAX_CONNECTIONS", "0"), ("ROTOR_MAX_CONNECTIONS", "-5"),
            ("ROTOR_MAX_CONNECTIONS", "1.5"),
        ]
        for (name, value) in refused {
            #expect(throws: ProxyConfigurationError.self, "\(name)=\(value)") {
                try ProxyConfiguration.fromEnvironment([name: value], secret: .generate())
            }
        }
    }

    // MARK: - The request head

    /// A connection that sends nothing is closed, without an answer, once the head timeout has passed.
    @Test func closesASilentConnectionAfterTheHeadTimeout() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, environment: Self.environment(head: "0.5")) { proxy in
                    let start = ContinuousClock.now
                    let client = try await RawClient.connect(port: proxy.port)
                    let answer = try await client.closed(within: .seconds(10))
                    let held = ContinuousClock.now - start
                    #expect(answer.isEmpty, "no answer: \(String(decoding: answer, as: UTF8.self))")
                    #expect(held >= .milliseconds(450))
                    #expect(held < .seconds(5))
                }
            }
        }
    }

    /// A head sent one byte at a time gets no more time than a silent connection: the deadline runs from the
    /// connection's start, not from the last byte.
    @Test func aTricklingHeadGetsNoMoreTime() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, environment: Self.environment(head: "0.6")) { proxy in
                    let start = ContinuousClock.now
                    let client = try await RawClient.connect(port: proxy.port)
                    // One byte every 100 ms for up to 3 s, until the proxy closes the connection.
                    for byte in "POST /v1/responses HTTP/1.1\r\n".prefix(30) where client.isOpen {
                        try? await client.send(String(byte))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let answer = try await client.closed(within: .seconds(5))
                    let held = ContinuousClock.now - start
                    #expect(answer.isEmpty)
                    #expect(held >= .milliseconds(550))
                    #expect(held < .milliseconds(2_500), "closed only \(held) after the start")
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// Between requests a kept-alive connection may idle past the head timeout (clients pool their connections);
    /// it is closed, without an answer, once the keep-alive timeout has passed.
    @Test func keepsAnIdleConnectionUntilTheKeepAliveTimeout() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                let environment = Self.environment(head: "0.3", keepAlive: "1.5")
                try await withProxy(upstreamURL: upstream.baseURL, environment: environment) { proxy in
                    let client = try await RawClient.connect(port: proxy.port)
                    try await client.send(Self.modelsRequest(proxy))
                    #expect(try await client.response().status == 404)
                    // Idle for three head timeouts: the connection still serves the next request.
                    try await Task.sleep(for: .milliseconds(900))
                    // Measured from before the request: the server's keep-alive wait starts later, when it has
                    // answered, so a loaded machine cannot make the measured wait shorter than the real one.
                    let idleSince = ContinuousClock.now
                    try await client.send(Self.modelsRequest(proxy))
                    #expect(try await client.response().status == 404)
                    let answer = try await client.closed(within: .seconds(10))
                    let idle = ContinuousClock.now - idleSince
                    #expect(answer.isEmpty)
                    #expect(idle >= .milliseconds(1_400), "closed after \(idle), before the keep-alive timeout")
                    #expect(idle < .seconds(6))
                }
            }
        }
    }

    /// Once the next request's head starts arriving on a kept-alive connection, it must be complete within the
    /// head timeout, not the (longer) keep-alive timeout.
    @Test func aLaterHeadMustCompleteWithinTheHeadTimeout() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                let environment = Self.environment(head: "0.5", keepAlive: "20")
                try await withProxy(upstreamURL: upstream.baseURL, environment: environment) { proxy in
                    let client = try await RawClient.connect(port: proxy.port)
                    try await client.send(Self.modelsRequest(proxy))
                    #expect(try await client.response().status == 404)
                    // Measured from before the bytes leave: the server's head timer starts when they arrive.
                    let start = ContinuousClock.now
                    try await client.send("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\n")
                    let answer = try await client.closed(within: .seconds(10))
                    let held = ContinuousClock.now - start
                    #expect(answer.isEmpty)
                    #expect(held >= .milliseconds(450))
                    #expect(held < .seconds(5), "held \(held): the keep-alive timeout applied, not the head timeout")
                }
            }
        }
    }

    // MARK: - The request body

    /// A body that stalls longer than the body timeout is answered 408 with rotor's JSON error, then the
    /// connection closes; nothing reaches the upstream.
    @Test func answersAStalledBody408ThenCloses() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, environment: Self.environment(body: "0.5")) { proxy in
                    let client = try await RawClient.connect(port: proxy.port)
                    // Measured from before the bytes leave: the server's body timer starts when they arrive.
                    let start = ContinuousClock.now
                    try await client.send(
                        "POST /v1/responses HTTP/1.1\r\n\(Self.credentials(proxy))Content-Length: 40\r\n\r\n{\"stream\":true,"
                    )
                    let response = try await client.response()
                    let stalled = ContinuousClock.now - start
                    #expect(response.status == 408)
                    #expect(response.header("content-type") == "application/json")
                    #expect(response.header("connection") == "close")
                    let object = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
                    let error = try #require(object?["error"] as? [String: Any])
                    #expect(error["code"] as? String == "request_timeout")
                    #expect(error["type"] as? String == "invalid_request_error")
                    #expect((error["message"] as? String)?.contains("ROTOR_BODY_TIMEOUT") == true)
                    #expect(stalled >= .milliseconds(450))
                    #expect(stalled < .seconds(5))
                    #expect(try await client.closed(within: .seconds(5)).isEmpty)
                    #expect(upstream.log.all.isEmpty)
                }
            }
        }
    }

    /// A body that keeps coming, each pause shorter than the body timeout, is served however long it takes.
    @Test func aSlowButSteadyBodyIsServed() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL, environment: Self.environment(body: "0.6")) { proxy in
                    let body = #"{"model":"m","stream":true,"input":"hi"}"#
                    let client = try await RawClient.connect(port: proxy.port)
                    try await client.send(
                        "POST /v1/responses HTTP/1.1\r\n\(Self.credentials(proxy))Content-Length: \(body.utf8.count)\r\n\r\n"
                    )
                    // Six pieces 200 ms apart: 1.2 s in all, twice the body timeout.
                    var rest = Substring(body)
                    while !rest.isEmpty {
                        try await Task.sleep(for: .milliseconds(200))
                        try await client.send(String(rest.prefix(7)))
                        rest = rest.dropFirst(7)
                    }
                    let response = try await client.response()
                    #expect(response.status == 200)
                    #expect(upstream.log.all.count == 1)
                    await client.close()
                }
            }
        }
    }

    // MARK: - The connection cap

    /// At the cap, each newcomer closes the oldest connection that has not delivered a request head; a connection
    /// that has (one waiting for its answer, one kept alive between requests) is never closed to make room.
    @Test func evictsTheOldestConnectionWithoutAHead() async throws {
        try await withTimeout(.seconds(60)) {
            let held = HeldUpstream()
            try await FakeUpstream.run(handler: held.handler) { upstream in
                // A held request never ends by itself: release it before the upstream stops, whatever happens.
                defer { held.releaseAll() }
                let environment = Self.environment(head: "30", maxConnections: "4")
                try await withProxy(upstreamURL: upstream.baseURL, environment: environment) { proxy in
                    // W: a request in flight, its answer held at the upstream.
                    async let working = proxy.send(proxy.request(body: #"{"stream":true}"#))
                    await held.nextArrival()
                    // K: a kept-alive connection between requests.
                    let keptAlive = try await RawClient.connect(port: proxy.port)
                    try await keptAlive.send(Self.modelsRequest(proxy))
                    #expect(try await keptAlive.response().status == 404)
                    // A and B: no head yet. The proxy now holds four connections, its cap.
                    let first = try await RawClient.connect(port: proxy.port)
                    let second = try await RawClient.connect(port: proxy.port)

                    let third = try await RawClient.connect(port: proxy.port)
                    #expect(try await first.closed(within: .seconds(5)).isEmpty, "the oldest head-less connection makes room")
                    let fourth = try await RawClient.connect(port: proxy.port)
                    #expect(try await second.closed(within: .seconds(5)).isEmpty, "then the next oldest")

                    try await keptAlive.send(Self.modelsRequest(proxy))
                    #expect(try await keptAlive.response().status == 404, "the kept-alive connection still serves")
                    held.releaseAll()
                    let answer = try await working
                    #expect(answer.status == 200, "the request in flight was never cut")
                    #expect(answer.body == SSE.okStream)
                    try await fourth.send(Self.modelsRequest(proxy))
                    #expect(try await fourth.response().status == 404, "the newcomers were let in")
                    for client in [keptAlive, third, fourth] { await client.close() }
                }
            }
        }
    }

    /// At the cap with every connection working, a newcomer is closed without an answer, and the working ones
    /// carry on.
    @Test func refusesANewcomerWhenEveryConnectionIsWorking() async throws {
        try await withTimeout(.seconds(60)) {
            let held = HeldUpstream()
            try await FakeUpstream.run(handler: held.handler) { upstream in
                // A held request never ends by itself: release it before the upstream stops, whatever happens.
                defer { held.releaseAll() }
                let environment = Self.environment(head: "30", maxConnections: "2")
                try await withProxy(upstreamURL: upstream.baseURL, environment: environment) { proxy in
                    async let working = proxy.send(proxy.request(body: #"{"stream":true}"#))
                    await held.nextArrival()
                    let keptAlive = try await RawClient.connect(port: proxy.port)
                    try await keptAlive.send(Self.modelsRequest(proxy))
                    #expect(try await keptAlive.response().status == 404)

                    let newcomer = try await RawClient.connect(port: proxy.port)
                    #expect(try await newcomer.closed(within: .seconds(5)).isEmpty)

                    try await keptAlive.send(Self.modelsRequest(proxy))
                    #expect(try await keptAlive.response().status == 404)
                    held.releaseAll()
                    #expect(try await working.status == 200)
                    await keptAlive.close()
                }
            }
        }
    }

    /// A request the guards refuse (here: no secret) is answered and its connection closed, so a client without
    /// the secret cannot hold a connection as a working client.
    @Test func closesTheConnectionAfterARefusal() async throws {
        try await withTimeout(.seconds(30)) {
            try await FakeUpstream.run(handler: Self.ok) { upstream in
                try await withProxy(upstreamURL: upstream.baseURL) { proxy in
                    let client = try await RawClient.connect(port: proxy.port)
                    try await client.send("POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:\(proxy.port)\r\nContent-Length: 2\r\n\r\n{}")
                    let response = try await client.response()
                    #expect(response.status == 401)
                    #expect(response.header("connection") == "close")
                    #expect(try await client.closed(within: .seconds(5)).isEmpty)
                }
            }
        }
    }
}

/// A fake upstream that holds every request until released, and reports each arrival.
private final class HeldUpstream: Sendable {
    private let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation
    private let release = Gate()

    init() {
        (arrivals, arrived) = AsyncStream<Void>.makeStream()
    }

    var handler: FakeUpstream.Handler {
        { [arrived, release] _ in
            arrived.yield()
            await release.wait()
            return SSE.response(SSE.okStream)
        }
    }

    /// Waits until the next request has reached the upstream.
    func nextArrival() async {
        for await _ in arrivals { return }
    }

    /// Lets every held request (and any later one) be answered.
    func releaseAll() {
        release.open()
    }
}
