#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Starts an operating-system thread of its own for blocking work (waiting for a child, reading a pipe).
///
/// A child's parent-death signal fires when the *thread* that forked it exits, so the thread that spawns the child
/// must live as long as the child: a task on Swift's cooperative pool gives no such guarantee.
enum DedicatedThread {
    /// Runs `body` on a new detached thread; the thread ends when `body` returns.
    static func start(_ body: @escaping @Sendable () -> Void) throws(LaunchError) {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        let error = pthread_create(&thread, nil, { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        guard error == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            throw LaunchError.threadUnavailable(errno: error)
        }
        pthread_detach(thread)
    }
}

/// The closure a dedicated thread runs, boxed to cross `pthread_create`'s context pointer.
private final class ThreadBody: Sendable {
    let body: @Sendable () -> Void

    init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }
}
