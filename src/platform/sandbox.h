// -ct-sandbox: a seccomp filter for the compile-time worker process (Linux, x86-64 and AArch64).
// Once entered (irreversibly, so only ever in a worker), the process cannot write files (open
// for writing, create, remove, rename, link, chmod, truncate by name), open network
// connections (socket, socketpair) or run programs (execve, execveat), and cannot ptrace or
// write into other processes. Such calls fail with EPERM, as they would for a user without the
// permission: C code sees an error, not a crash. Writing to descriptors already open (stdout,
// stderr, the worker's channel) and reading files stay allowed.
#pragma once
#include <string>

namespace thrustc::platform {

// Enters the sandbox for the rest of this process's life; false (with a reason) where seccomp
// is not available.
bool EnterSandbox(std::string* error);

}  // namespace thrustc::platform
