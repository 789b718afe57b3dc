#ifndef CROTORSPAWN_H
#define CROTORSPAWN_H

#include <stdint.h>
#include <sys/types.h>

/// Forks and execs `path` with `argv` and `envp` so that the child dies with its parent.
///
/// In the child, before `execve`: sets the parent-death signal to SIGKILL (it fires when the *calling thread*
/// exits, so call this from a thread that outlives the child), exits at once if the parent is already gone,
/// resets every signal disposition to its default and the signal mask to empty, and closes every descriptor
/// above 2. The child stays in the caller's process group and inherits descriptors 0, 1 and 2.
///
/// In the caller, before forking: when SIGCHLD is ignored (or has SA_NOCLDWAIT), which makes the kernel reap
/// children and discard their exit status, its disposition is reset to the default, so `rotor_reap` gets the status.
///
/// Returns 0 and stores the child's process ID in `pid` once the child has exec'ed; a positive `errno` value when
/// the exec failed in the child (the failed child has then been reaped); a negative `errno` value when the child
/// could not be created (SIGCHLD could not be reset, or pipe or fork failed).
int rotor_spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid);

/// Blocks until the child `pid` has exited, without reaping it (so its process ID cannot be reused yet).
///
/// Returns 0, or an `errno` value.
int rotor_wait_exited(pid_t pid);

/// Reaps the exited child `pid` and stores its wait status in `status`. Returns 0, or an `errno` value.
int rotor_reap(pid_t pid, int *status);

/// One signal delivered to the process while relaying: its number and the `si_code` its sender left.
typedef struct {
    int32_t signal_number;
    int32_t code;
} rotor_received_signal;

/// The `si_code` of a signal sent with kill(2).
extern const int32_t rotor_si_user;
/// The `si_code` of a signal sent with sigqueue(3).
extern const int32_t rotor_si_queue;
/// The `si_code` of a signal the kernel generated (for example a terminal hang-up).
extern const int32_t rotor_si_kernel;

/// Starts relaying: each signal of `relayed` is caught with its `si_code` and written as one
/// `rotor_received_signal` to a pipe whose read end is stored in `read_fd`; each signal of `ignored` is ignored.
/// The previous dispositions are kept for `rotor_signal_relay_stop`. Only one relay can be active at a time.
///
/// Returns 0, EBUSY when a relay is already active, or another `errno` value.
int rotor_signal_relay_start(const int *relayed, int relayed_count, const int *ignored, int ignored_count,
                             int *read_fd);

/// Restores the dispositions saved by `rotor_signal_relay_start` and closes the pipe's write end, so that a
/// reader of the read end sees end-of-file.
void rotor_signal_relay_stop(void);

#endif
