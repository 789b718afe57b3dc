import Foundation
import HTTPTypes
import RotorCore

/// The answer to `GET /healthz`: whether the proxy's accounts can serve (``PoolHealth/Status``), how many are in each
/// state, and how long the proxy has run. 200 while the pool can serve (healthy or degraded), 503 when it cannot.
struct HealthReport: Encodable {
    struct Accounts: Encodable {
        var ready: Int
        var reserved: Int
        var cooling: Int
        var needsLogin: Int
        var disabled: Int

        enum CodingKeys: String, CodingKey {
            case ready, reserved, cooling, disabled
            case needsLogin = "needs_login"
        }
    }

    var status: PoolHealth.Status
    var accounts: Accounts
    /// Whole seconds since the proxy started.
    var uptimeSeconds: Int

    enum CodingKeys: String, CodingKey {
        case status, accounts
        case uptimeSeconds = "uptime_s"
    }

    /// The report of `pool`, for a proxy that has run for `uptime` seconds.
    init(pool: PoolHealth, uptime: TimeInterval) {
        status = pool.status
        accounts = Accounts(ready: pool.ready, reserved: pool.reserved, cooling: pool.cooling,
                            needsLogin: pool.needsLogin, disabled: pool.disabled)
        uptimeSeconds = max(0, Int(uptime.rounded(.down)))
    }

    /// 200 while some account can serve, 503 when none can.
    var httpStatus: HTTPResponse.Status {
        status == .unhealthy ? .serviceUnavailable : .ok
    }

    /// The JSON body, keys sorted.
    var body: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}

extension PoolHealth.Status: Encodable {}
