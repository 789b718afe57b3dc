import AsyncHTTPClient
import Foundation
import NIOHTTP1
import RotorProxy

extension ProxyUnderTest {
    /// A `GET` of `path` on the proxy, with the secret unless `withSecret` is false.
    func get(_ path: String, withSecret: Bool = true) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .GET
        if withSecret { request.headers.add(name: "authorization", value: "Bearer \(secret.text)") }
        return request
    }

    /// The proxy's metrics, parsed; fails unless `/metrics` answers 200 in Prometheus' text format.
    func scrapeMetrics() async throws -> PrometheusSamples {
        let answer = try await send(get("/metrics"))
        guard answer.status == 200, answer.headers["content-type"].first == "text/plain; version=0.0.4; charset=utf-8"
        else {
            throw ScrapeFailed(status: answer.status, contentType: answer.headers["content-type"].first)
        }
        return try PrometheusSamples(answer.body)
    }
}

struct ScrapeFailed: Error {
    var status: Int
    var contentType: String?
}

extension PrometheusSamples {
    /// The counters and gauges that are not zero (histogram series left out).
    var nonZeroCountersAndGauges: [String: Double] {
        values.filter { key, value in
            value != 0 && !key.hasPrefix("rotor_time_to_first_byte_seconds")
                && !key.hasPrefix("rotor_request_duration_seconds")
        }
    }
}
