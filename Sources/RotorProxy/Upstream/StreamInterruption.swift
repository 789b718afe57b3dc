import Foundation
import RotorCore

/// The event that ends a client stream rotor could not finish: `response.failed` coded `rotor_stream_interrupted`.
enum StreamInterruption {
    static func event(responseID: String?, reason: String) -> [UInt8] {
        struct Payload: Encodable {
            struct Response: Encodable {
                struct Failure: Encodable {
                    var code: String
                    var message: String
                }
                var id: String
                var status: String
                var error: Failure
            }
            var type: String
            var response: Response
        }
        let payload = Payload(
            type: "response.failed",
            response: .init(
                id: responseID ?? "resp_rotor_interrupted",
                status: "failed",
                error: .init(
                    code: "rotor_stream_interrupted",
                    message: "rotor lost the upstream stream after it started (\(reason)); send the request again."
                )
            )
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(payload)).map { Array($0) } ?? Array("{}".utf8)
        return ServerSentEvent.encode(type: "response.failed", data: data)
    }
}
