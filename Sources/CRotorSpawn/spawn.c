// Hand-written because no maintained package can do this: posix_spawn and swift-subprocess 1.0.2 cannot set
// Linux's parent-death signal (PR_SET_PDEATHSIG), which must be set in the child between fork and exec so that the
// child never outlives rotor, not even after `kill -9`. Foundation.Process also moves the child into a new
// background process group, which breaks an interactive child.
//
// Between fork and exec the child of a multi-threaded parent may only call async-signal-safe functions, so the
// child below uses nothing but system calls.

#define _GNU_SOURCE
#include "CRotorSpawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

const int32_t rotor_si_user = SI_USER;
const int32_t rotor_si_queue = SI_QUEUE;
const int32_t rotor_si_kernel = SI_KERNEL;

// MARK: - Spawning

/// Tells the parent why the child could not exec, then exits.
static void child_fail(int report_fd, int error) {
    while (write(report_fd, &error, sizeof error) < 0 && errno == EINTR) {
    }
    _exit(127);
}

/// The layout of one entry returned by getdents64(2).
struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/// Parses a descriptor number from a /proc/self/fd entry name; -1 for "." and "..".
static int parse_descriptor(const char *name) {
    if (name[0] < '0' || name[0] > '9') {
        return -1;
    }
    int value = 0;
    for (const char *c = name; *c >= '0' && *c <= '9'; c++) {
        value = value * 10 + (*c - '0');
    }
    return value;
}

/// Marks every descriptor above 2 close-on-exec, so that exec closes them while the report pipe (already
/// close-on-exec) stays usable until then. Tries close_range(2), then a /proc/self/fd walk, then every number
/// below `descriptor_limit`.
static void mark_inherited_descriptors_cloexec(int descriptor_limit) {
    // close_range with CLOSE_RANGE_CLOEXEC needs Linux 5.11, and older kernel headers do not name it at all.
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) {
        return;
    }
#endif
    // openat, not open: arm64 (like every newer architecture) has no open system call.
    int directory = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        char buffer[4096];
        long count;
        while ((count = syscall(SYS_getdents64, directory, buffer, sizeof buffer)) > 0) {
            for (long offset = 0; offset < count;) {
                struct linux_dirent64 *entry = (struct linux_dirent64 *)(buffer + offset);
                int descriptor = parse_descriptor(entry->d_name);
                if (descriptor > 2 && descriptor != directory) {
                    fcntl(descriptor, F_SETFD, FD_CLOEXEC);
                }
                offset += entry->d_reclen;
            }
        }
        close(directory);
        return;
    }
    for (int descriptor = 3; descriptor < descriptor_limit; descriptor++) {
        fcntl(descriptor, F_SETFD, FD_CLOEXEC);
    }
}

/// The kernel's `struct sigaction` (x86-64, arm64), which differs from glibc's.
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/// The number of signals the kernel knows (its _NSIG).
#define KERNEL_SIGNAL_COUNT 64

/// Runs in the child between fork and exec; never returns.
static void exec_child(const char *path, char *const argv[], char *const envp[], pid_t parent, int report_fd,
                       int descriptor_limit) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        child_fail(report_fd, errno);
    }
    // The parent may have died before prctl: then nobody would ever send the death signal.
    if (getppid() != parent) {
        _exit(127);
    }
    // Signals are still blocked (the parent blocked them around fork): reset dispositions first, then the mask,
    // so that no handler of the parent ever runs in the child and ignored signals are not inherited.
    // The raw system call also reaches the signals glibc reserves for itself (32, 33), which its sigaction()
    // refuses to touch but which a parent may still have ignored.
    struct kernel_sigaction default_action = {0};
    default_action.handler = SIG_DFL;
    for (int signal_number = 1; signal_number <= KERNEL_SIGNAL_COUNT; signal_number++) {
        if (signal_number != SIGKILL && signal_number != SIGSTOP) {
            syscall(SYS_rt_sigaction, signal_number, &default_action, NULL, sizeof default_action.mask);
        }
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);
    mark_inherited_descriptors_cloexec(descriptor_limit);
    execve(path, argv, envp);
    child_fail(report_fd, errno);
}

/// A process that inherited SIGCHLD ignored (some launchers and CI runners exec with it so), or that set
/// SA_NOCLDWAIT, has its children reaped by the kernel: waiting for one then fails with ECHILD and its exit status is
/// lost. Restoring the default disposition (which ignores the signal too, but keeps the status for waitpid) makes
/// the child's exit status reach the parent. Only those two cases are changed: a handler someone installed stays.
static int keep_children_exit_status(void) {
    struct sigaction current;
    if (sigaction(SIGCHLD, NULL, &current) != 0) {
        return errno;
    }
    if (current.sa_handler != SIG_IGN && (current.sa_flags & SA_NOCLDWAIT) == 0) {
        return 0;
    }
    struct sigaction default_action = {0};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    return sigaction(SIGCHLD, &default_action, NULL) == 0 ? 0 : errno;
}

int rotor_spawn(const char *path, char *const argv[], char *const envp[], pid_t *pid) {
    int disposition_error = keep_children_exit_status();
    if (disposition_error != 0) {
        return -disposition_error;
    }
    long open_max = sysconf(_SC_OPEN_MAX);
    int descriptor_limit = (open_max > 0 && open_max < 65536) ? (int)open_max : 65536;
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        return -errno;
    }
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0) {
        close(report[0]);
        exec_child(path, argv, envp, parent, report[1], descriptor_limit);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return -fork_error;
    }
    int child_error = 0;
    ssize_t received;
    do {
        received = read(report[0], &child_error, sizeof child_error);
    } while (received < 0 && errno == EINTR);
    close(report[0]);
    if (received == 0) {
        *pid = child;
        return 0;
    }
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return received == sizeof child_error ? child_error : EIO;
}

// MARK: - Waiting

int rotor_wait_exited(pid_t pid) {
    for (;;) {
        siginfo_t info = {0};
        if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0) {
            return 0;
        }
        if (errno != EINTR) {
            return errno;
        }
    }
}

int rotor_reap(pid_t pid, int *status) {
    for (;;) {
        if (waitpid(pid, status, 0) == pid) {
            return 0;
        }
        if (errno != EINTR) {
            return errno;
        }
    }
}

// MARK: - Signal relay

static _Atomic int relay_write_fd = -1;
static _Atomic int relay_active = 0;
static int saved_numbers[NSIG];
static struct sigaction saved_actions[NSIG];
static int saved_count = 0;

/// Writes the signal and its sender's `si_code` to the relay pipe (write(2) is async-signal-safe and a record
/// smaller than PIPE_BUF is written whole or not at all; a full pipe drops the record).
static void relay_handler(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    int saved_errno = errno;
    int descriptor = atomic_load(&relay_write_fd);
    if (descriptor >= 0) {
        rotor_received_signal record = {signal_number, info != NULL ? info->si_code : 0};
        ssize_t written = write(descriptor, &record, sizeof record);
        (void)written;
    }
    errno = saved_errno;
}

static int install(int signal_number, const struct sigaction *action) {
    if (saved_count >= NSIG) {
        return EINVAL;
    }
    if (sigaction(signal_number, action, &saved_actions[saved_count]) != 0) {
        return errno;
    }
    saved_numbers[saved_count] = signal_number;
    saved_count += 1;
    return 0;
}

int rotor_signal_relay_start(const int *relayed, int relayed_count, const int *ignored, int ignored_count,
                             int *read_fd) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&relay_active, &expected, 1)) {
        return EBUSY;
    }
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        int error = errno;
        atomic_store(&relay_active, 0);
        return error;
    }
    // Only the write end is non-blocking: a handler must never block, the reader blocks on purpose.
    fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
    atomic_store(&relay_write_fd, pipe_fds[1]);
    saved_count = 0;

    struct sigaction relay = {0};
    relay.sa_sigaction = relay_handler;
    relay.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&relay.sa_mask);
    struct sigaction ignore = {0};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);

    int error = 0;
    for (int index = 0; index < relayed_count && error == 0; index++) {
        error = install(relayed[index], &relay);
    }
    for (int index = 0; index < ignored_count && error == 0; index++) {
        error = install(ignored[index], &ignore);
    }
    if (error != 0) {
        rotor_signal_relay_stop();
        close(pipe_fds[0]);
        return error;
    }
    *read_fd = pipe_fds[0];
    return 0;
}

void rotor_signal_relay_stop(void) {
    for (int index = saved_count - 1; index >= 0; index--) {
        sigaction(saved_numbers[index], &saved_actions[index], NULL);
    }
    saved_count = 0;
    // Dispositions are restored first, so only a handler already running on another thread can still hold the
    // old descriptor: a window of a few instructions, after the child has exited.
    int descriptor = atomic_exchange(&relay_write_fd, -1);
    if (descriptor >= 0) {
        close(descriptor);
    }
    atomic_store(&relay_active, 0);
}
