import Foundation
import RotorCore

/// The event that ends a client stream rotor could not finish: `response.failed` coded `rotor_stream_interrupted`.
///
/// The failure is in `response.error`, where Codex reads it, and again in a top-level `error`, which the openai
/// SDKs raise as an API error carrying rotor's message (they do not look inside a `response.failed`).
enum StreamInterruption {
    static func event(responseID: String?, reason: String) -> [UInt8] {
        struct Failure: Encodable {
            var type: String
            var code: String
            var message: String
        }
        struct Payload: Encodable {
            struct Response: Encodable {
                var id: String
                var status: String
                var error: Failure
            }
            var type: String
            var response: Response
            var error: Failure
        }
        let failure = Failure(
            type: "upstream_error",
            code: "rotor_stream_interrupted",
            message: "rotor lost the upstream stream after it started (\(reason)); send the request again."
        )
        let payload = Payload(
            type: "response.failed",
            response: .init(id: responseID ?? "resp_rotor_interrupted", status: "failed", error: failure),
            error: failure
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(payload)).map { Array($0) } ?? Array("{}".utf8)
        return ServerSentEvent.encode(type: "response.failed", data: data)
    }
}
