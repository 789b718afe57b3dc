import Foundation
import RotorProxy

/// The first stdout line of `rotor proxy`: where it listens and where its secret is.
enum ProxyReadyLine {
    /// `rotor proxy listening on <url> (secret: <file>)`, or with `json` the object
    /// `{"healthz":…,"metrics":…,"port":…,"secret_file":…,"url":…}`.
    static func render(_ endpoint: ProxyEndpoint, secretFile: String, json: Bool) -> String {
        guard json else {
            return "rotor proxy listening on \(endpoint.baseURL) (secret: \(secretFile))"
        }
        struct Ready: Encodable {
            var url: String
            var port: Int
            var secretFile: String
            var healthz: String
            var metrics: String

            enum CodingKeys: String, CodingKey {
                case url, port, healthz, metrics
                case secretFile = "secret_file"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Ready(url: endpoint.baseURL, port: endpoint.port, secretFile: secretFile,
                                              healthz: endpoint.healthURL, metrics: endpoint.metricsURL))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
