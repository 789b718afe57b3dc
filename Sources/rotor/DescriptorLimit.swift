#if canImport(Glibc)
import Glibc
#endif

/// rotor's limit on open file descriptors.
enum DescriptorLimit {
    /// Raises the soft limit to the hard limit (many systems start processes at 1024 while allowing far more).
    ///
    /// The proxy needs one descriptor per client connection (up to `ROTOR_MAX_CONNECTIONS`), one per upstream
    /// connection, and a few of its own. A limit that cannot be raised stays as it is: the connection cap still
    /// bounds what clients can take. A child that `rotor run` starts inherits the raised limit.
    static func raiseToHardLimit() {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }
}
