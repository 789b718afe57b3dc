import HTTPTypes
import RotorCore

extension HTTPFields {
    /// Sets or removes the headers `pooled` edits (docs/proxy.md: the pool's 5-hour and weekly usage); every other
    /// field stays as it is.
    mutating func apply(_ pooled: PooledRateLimitHeaders) {
        for edit in pooled.edits {
            guard let name = HTTPField.Name(edit.name) else { continue }
            self[name] = edit.value
        }
    }
}
