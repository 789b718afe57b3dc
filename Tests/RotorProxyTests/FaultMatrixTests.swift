import Foundation
import Hummingbird
import NIOCore
import RotorCore
import RotorProxy
import Synchronization
import Testing

/// The fault matrix: the real proxy over the real store, against a fake upstream that misbehaves in one scripted way
/// per case. A fault before anything reached the client ends in a successful answer whenever another account can
/// serve (the fault is always on the account chosen first); a fault after that ends the client's stream with a
/// standalone interruption event. Every case also checks each account's state afterwards.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct FaultMatrixTests {
    /// Runs every case in turn and prints the matrix as a Markdown table, ready for docs/RELIABILITY.md.
    @Test func faultMatrixPrintsItsMarkdownTable() async throws {
        let started = ContinuousClock.now
        var rows: [String] = []
        for (index, fault) in Self.cases.enumerated() {
            let row = await fault.observe()
            row.recordMismatches()
            rows.append("| \(index + 1) | \(fault.name) | \(fault.fault) | \(row.client) | \(row.states) |")
        }
        let seconds = Int((ContinuousClock.now - started).components.seconds)
        print(
            """
            | # | case | fault | client outcome | account states after |
            |---|---|---|---|---|
            \(rows.joined(separator: "\n"))

            Fault matrix: \(Self.cases.count) cases in \(seconds) s.
            """
        )
    }

    // MARK: - The cases

    static let cases: [FaultCase] = [
        FaultCase(
            name: "connection refused",
            fault: "nothing listens for A's attempt; the port listens once rotor moves on",
            upstream: .connection(.refuse),
            client: .served(by: "B", attempts: 2),
            decisions: ["A network", "B success"],
            states: ["A": .cooling(.network, for: 0...1), "B": .served]
        ),
        FaultCase(
            name: "reset before headers",
            fault: "A's request is read in full, then the connection is reset (RST)",
            upstream: .connection(.resetAfterRequest),
            client: .served(by: "B", attempts: 2),
            decisions: ["A network", "B success"],
            states: ["A": .cooling(.network, for: 0...1), "B": .served]
        ),
        FaultCase(
            name: "TLS handshake failure",
            fault: "A's ClientHello is answered with a fatal `handshake_failure` alert",
            upstream: .connection(.tlsHandshakeFailure, tls: true),
            client: .served(by: "B", attempts: 2),
            decisions: ["A network", "B success"],
            states: ["A": .cooling(.network, for: 0...1), "B": .served]
        ),
        FaultCase(
            name: "headers never sent",
            fault: "A's request is read, no response head follows (header timeout 2 s)",
            upstream: .http(onA { _ in
                try await Task.sleep(for: .seconds(60))
                return SSE.response(SSE.okStream)
            }),
            timeouts: UpstreamTimeouts(connect: .seconds(2), header: .seconds(2), idle: .seconds(5)),
            client: .served(by: "B", attempts: 2),
            decisions: ["A timeout", "B success"],
            states: ["A": .cooling(.network, for: 0...30), "B": .served]
        ),
        FaultCase(
            name: "5xx burst",
            fault: "the first two answers, whatever the account, are 500 and 503 `server_is_overloaded`",
            accounts: ["A", "B", "C"],
            upstream: .http(serverErrorBurst()),
            client: .served(by: "C", attempts: 3),
            decisions: ["A overloaded", "B overloaded", "C success"],
            states: ["A": .cooling(.overloaded, for: 0...1), "B": .cooling(.overloaded, for: 0...1), "C": .served]
        ),
        FaultCase(
            name: "429 on every account",
            fault: "every account answers 429 `rate_limit_exceeded`: A \"try again in 7s\", B \"in 20s\"",
            upstream: .http({ request in rateLimited(inSeconds: request.accountName == "A" ? 7 : 20) }),
            client: .answered(status: 429, code: "rotor_pool_busy", retryAfter: 5...7),
            decisions: ["A rate-limit", "B rate-limit", "- pool-dry"],
            states: ["A": .cooling(.rateLimit, for: 7...7), "B": .cooling(.rateLimit, for: 20...20)]
        ),
        FaultCase(
            name: "401, token endpoint 5xx",
            fault: "A's access token is refused (401); the token endpoint answers 503",
            upstream: .http(refusingAThenRefreshing {
                TokenEndpoint.json(.serviceUnavailable, #"{"error":"temporarily_unavailable"}"#)
            }),
            client: .served(by: "B", attempts: 2),
            decisions: ["A refresh-failed", "B success"],
            states: ["A": .cooling(.network, for: 0...60).keepingLogin("rt-A-0"), "B": .served]
        ),
        FaultCase(
            name: "401, token endpoint slow",
            fault: "A's access token is refused (401); the token endpoint answers after 40 s, past rotor's 30 s",
            upstream: .http(refusingAThenRefreshing {
                try await Task.sleep(for: .seconds(40))
                return TokenEndpoint.json(.ok, #"{"access_token":"at-A-1","refresh_token":"rt-A-1"}"#)
            }),
            client: .served(by: "B", attempts: 2),
            decisions: ["A refresh-failed", "B success"],
            states: ["A": .cooling(.network, for: 0...60).keepingLogin("rt-A-0"), "B": .served]
        ),
        FaultCase(
            name: "401, token endpoint non-JSON",
            fault: "A's access token is refused (401); the token endpoint answers 200 with an HTML page",
            upstream: .http(refusingAThenRefreshing {
                Response(status: .ok, headers: [.contentType: "text/html"],
                         body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>Sign in</body></html>")))
            }),
            client: .served(by: "B", attempts: 2),
            decisions: ["A refresh-failed", "B success"],
            states: ["A": .cooling(.network, for: 0...60).keepingLogin("rt-A-0"), "B": .served]
        ),
        FaultCase(
            name: "200 with a non-SSE body",
            fault: "A answers 200 `application/json` with a JSON object",
            upstream: .http(onA { _ in
                TokenEndpoint.json(.ok, #"{"id":"resp_1","object":"response","status":"completed","output":[]}"#)
            }),
            client: .served(by: "B", attempts: 2),
            decisions: ["A network", "B success"],
            states: ["A": .cooling(.network, for: 0...1), "B": .served]
        ),
        FaultCase(
            name: "200 then close before the first event",
            fault: "A's answer is a 200 `text/event-stream` head and half of `response.created`, then the "
                + "connection closes (FIN)",
            upstream: .connection(.answer(sseHead + chunk(firstHalf(of: SSE.created())), then: .close)),
            client: .served(by: "B", attempts: 2),
            decisions: ["A network", "B success"],
            states: ["A": .cooling(.network, for: 0...1), "B": .served]
        ),
        FaultCase(
            name: "reset after the first event",
            fault: "A sends `response.created` and half of the next event; once the client has the first, the "
                + "connection is reset (RST)",
            upstream: .connection(.answer(
                sseHead + chunk(SSE.created()) + chunk(firstHalf(of: SSE.textDelta("hello"))),
                then: .resetOnceTheClientHasTheFirstEvent
            )),
            client: .interrupted(by: "A", attempts: 1, relayed: SSE.created()),
            decisions: ["A interrupted"],
            states: ["A": .served, "B": .unused]
        ),
        FaultCase(
            name: "silence after the first event",
            fault: "A sends `response.created` and half of the next event, then nothing (idle timeout 1 s)",
            upstream: .http(onA { _ in
                SSE.streaming { writer in
                    try await writer.write(ByteBuffer(string: SSE.created()))
                    try await writer.write(ByteBuffer(string: firstHalf(of: SSE.textDelta("hello"))))
                    try await Task.sleep(for: .seconds(60))
                }
            }),
            timeouts: UpstreamTimeouts(connect: .seconds(2), header: .seconds(5), idle: .seconds(1)),
            client: .interrupted(by: "A", attempts: 1, relayed: SSE.created()),
            decisions: ["A interrupted"],
            states: ["A": .servedThenCooling(.network, for: 0...30), "B": .unused]
        ),
        FaultCase(
            name: "1-byte chunks",
            fault: "A's whole stream comes one byte per HTTP chunk",
            upstream: .http(onA { _ in
                SSE.streaming { writer in
                    for byte in SSE.okStream.utf8 { try await writer.write(ByteBuffer(bytes: [byte])) }
                }
            }),
            client: .served(by: "A", attempts: 1),
            decisions: ["A success"],
            states: ["A": .served, "B": .unused]
        ),
        FaultCase(
            name: "an event split across chunks",
            fault: "A's events (CRLF lines) are cut mid-name, mid-JSON, between CR and LF, between the blank "
                + "line's bytes and inside a UTF-8 character",
            upstream: .http(onA { _ in
                SSE.streaming { writer in
                    for piece in splitStream.pieces { try await writer.write(ByteBuffer(bytes: piece)) }
                }
            }),
            client: .served(by: "A", attempts: 1, stream: splitStream.whole),
            decisions: ["A success"],
            states: ["A": .served, "B": .unused]
        ),
        FaultCase(
            name: "malformed SSE lines",
            fault: "A's stream mixes comments, lines without a colon, unknown fields, `data:` without a space, "
                + "CR-only line ends, non-JSON data and invalid UTF-8",
            upstream: .http(onA { _ in
                SSE.streaming { writer in try await writer.write(ByteBuffer(bytes: malformedStream)) }
            }),
            client: .served(by: "A", attempts: 1, stream: malformedStream),
            decisions: ["A success"],
            states: ["A": .served, "B": .unused]
        ),
        FaultCase(
            name: "a 10 MB single event",
            fault: "A's second event is one 10 MiB `response.output_text.delta`",
            upstream: .http(onA { _ in SSE.response(largeEventStream) }),
            client: .served(by: "A", attempts: 1, stream: Array(largeEventStream.utf8)),
            decisions: ["A success"],
            states: ["A": .served, "B": .unused]
        ),
        FaultCase(
            name: "rate limit as the first event",
            fault: "A answers 200 whose first event is `response.failed` `rate_limit_exceeded` \"try again in 7s\"",
            upstream: .http(onA { _ in
                SSE.response(SSE.failed(code: "rate_limit_exceeded", message: "Rate limit reached. Please try again in 7s."))
            }),
            client: .served(by: "B", attempts: 2),
            decisions: ["A rate-limit", "B success"],
            states: ["A": .cooling(.rateLimit, for: 7...7), "B": .served]
        ),
    ]

    // MARK: - Scripts

    /// A handler that plays `fault` for account A and serves every other account normally.
    private static func onA(_ fault: @escaping FakeUpstream.Handler) -> FakeUpstream.Handler {
        { request in request.accountName == "A" ? try await fault(request) : SSE.response(SSE.okStream) }
    }

    /// A handler refusing A's access token with a 401 and answering the token endpoint with `tokenAnswer`.
    private static func refusingAThenRefreshing(
        _ tokenAnswer: @escaping @Sendable () async throws -> Response
    ) -> FakeUpstream.Handler {
        { request in
            if request.path == "/oauth/token" { return try await tokenAnswer() }
            return request.accountName == "A"
                ? TokenEndpoint.json(.unauthorized, #"{"error":{"message":"Your authentication token has expired."}}"#)
                : SSE.response(SSE.okStream)
        }
    }

    /// A handler answering 500, then 503 `server_is_overloaded`, then serving normally.
    private static func serverErrorBurst() -> FakeUpstream.Handler {
        let answered = Mutex(0)
        return { _ in
            switch answered.withLock({ count in
                defer { count += 1 }
                return count
            }) {
            case 0: TokenEndpoint.json(.internalServerError, #"{"error":{"message":"internal error"}}"#)
            case 1: TokenEndpoint.json(.serviceUnavailable, #"{"error":{"code":"server_is_overloaded","message":"busy"}}"#)
            default: SSE.response(SSE.okStream)
            }
        }
    }

    private static func rateLimited(inSeconds seconds: Int) -> Response {
        TokenEndpoint.json(
            .tooManyRequests,
            #"{"error":{"type":"rate_limit_exceeded","code":"rate_limit_exceeded","message":"Rate limit reached. Please try again in \#(seconds)s."}}"#
        )
    }

    /// The head of a 200 event stream with a chunked body.
    private static let sseHead = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"

    /// The first half of `text`'s characters: an event cut short.
    private static func firstHalf(of text: String) -> String {
        String(text.prefix(text.count / 2))
    }

    /// `text` as one HTTP chunk.
    private static func chunk(_ text: String) -> String {
        String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n"
    }

    /// A stream with CRLF line ends and a multi-byte character, and the pieces it is sent in.
    private static let splitStream: (whole: [UInt8], pieces: [[UInt8]]) = {
        let text = (SSE.created() + SSE.textDelta("caf\u{E9} \u{2713}") + SSE.completed())
            .replacingOccurrences(of: "\n", with: "\r\n")
        let bytes = Array(text.utf8)
        func end(of marker: String, from start: Int = 0) -> Int {
            bytes[start...].firstRange(of: Array(marker.utf8))!.upperBound
        }
        let check = Array("\u{2713}".utf8)
        let cuts = [
            end(of: "event: response.cre"),
            end(of: #"{"type":"resp"#),
            end(of: "}\r"),
            end(of: "}\r\n"),
            bytes.firstRange(of: check)!.lowerBound + 1,
            end(of: "\r\n", from: end(of: "\u{2713}")),
        ]
        var pieces: [[UInt8]] = []
        var start = 0
        for cut in cuts {
            pieces.append(Array(bytes[start..<cut]))
            start = cut
        }
        pieces.append(Array(bytes[start...]))
        return (bytes, pieces)
    }()

    /// A complete stream interleaved with lines a strict reader would reject.
    private static let malformedStream: [UInt8] = {
        let preamble = ": keep-alive comment\n\nline without a colon\nunknown-field: value\nid: 7\nretry: soon\n\n"
        let oddDelta = "event: response.output_text.delta\nnot a field\n: a comment inside an event\n"
            + #"data:{"type":"response.output_text.delta","output_index":0,"delta":"hi"}"# + "\n\n"
        let crOnly = "event: response.output_text.delta\r"
            + #"data: {"type":"response.output_text.delta","output_index":0,"delta":"!"}"# + "\r\r"
        let notJSON = "data: this is not JSON {\n\n"
        return Array((preamble + SSE.created() + oddDelta + crOnly + notJSON).utf8)
            + Array("data: ".utf8) + [0xFF, 0xFE, 0x80] + Array("\n\n".utf8)
            + Array((SSE.itemDone(index: 0, item: SSE.message("hi!")) + SSE.completed()).utf8)
    }()

    /// `response.created`, one 10 MiB text delta, `response.completed`.
    private static let largeEventStream = SSE.created() + SSE.textDelta(String(repeating: "x", count: 10 << 20))
        + SSE.completed()
}
