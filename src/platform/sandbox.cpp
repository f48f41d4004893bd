// The seccomp-BPF filter of sandbox.h. The program checks the architecture, then denies the
// listed system calls outright and open/openat only when their flags ask for writing.
#include "platform/sandbox.h"

#include <cerrno>
#include <cstring>

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <vector>
#define THRUSTC_HAVE_SECCOMP 1
#endif

namespace thrustc::platform {

#if defined(THRUSTC_HAVE_SECCOMP)

namespace {

#if defined(__x86_64__)
constexpr uint32_t kArch = AUDIT_ARCH_X86_64;
#else
constexpr uint32_t kArch = AUDIT_ARCH_AARCH64;
#endif
constexpr uint32_t kDeny = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
constexpr uint32_t kWriteFlags = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

// System calls that write the file system by name, reach the network or run programs.
constexpr long kDenied[] = {
#if defined(SYS_creat)
    SYS_creat,
#endif
#if defined(SYS_unlink)
    SYS_unlink, SYS_rename, SYS_mkdir, SYS_rmdir, SYS_link, SYS_symlink, SYS_chmod, SYS_chown, SYS_lchown,
    SYS_mknod,
#endif
    SYS_unlinkat, SYS_renameat, SYS_renameat2, SYS_mkdirat, SYS_linkat, SYS_symlinkat, SYS_fchmodat,
    SYS_fchownat, SYS_mknodat, SYS_truncate, SYS_openat2, SYS_socket, SYS_socketpair, SYS_execve, SYS_execveat,
    SYS_ptrace, SYS_process_vm_writev,
};

sock_filter Stmt(uint16_t code, uint32_t k) { return BPF_STMT(code, k); }
sock_filter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return BPF_JUMP(code, k, jt, jf); }

uint32_t ArgLow(int i) { return uint32_t(offsetof(seccomp_data, args) + 8 * i); }  // little-endian

// `nr` with its flags in argument `arg`: denied when they ask for writing. Leaves the number in
// the accumulator for the next check when the call is another one.
void OpenCheck(std::vector<sock_filter>& p, long nr, int arg) {
  p.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(nr), 0, 4));
  p.push_back(Stmt(BPF_LD | BPF_W | BPF_ABS, ArgLow(arg)));
  p.push_back(Jump(BPF_JMP | BPF_JSET | BPF_K, kWriteFlags, 0, 1));
  p.push_back(Stmt(BPF_RET | BPF_K, kDeny));
  p.push_back(Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

std::vector<sock_filter> Program() {
  std::vector<sock_filter> p;
  p.push_back(Stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)));
  p.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0));
  p.push_back(Stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));  // another ABI: never expected
  p.push_back(Stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
#if defined(__x86_64__)
  p.push_back(Jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1));  // the x32 ABI's numbers
  p.push_back(Stmt(BPF_RET | BPF_K, kDeny));
#endif
  for (long nr : kDenied) {
    p.push_back(Jump(BPF_JMP | BPF_JEQ | BPF_K, uint32_t(nr), 0, 1));
    p.push_back(Stmt(BPF_RET | BPF_K, kDeny));
  }
  OpenCheck(p, SYS_openat, 2);
#if defined(SYS_open)
  OpenCheck(p, SYS_open, 1);
#endif
  p.push_back(Stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  return p;
}

}  // namespace

bool EnterSandbox(std::string* error) {
  std::vector<sock_filter> program = Program();
  sock_fprog prog{uint16_t(program.size()), program.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
    if (error) *error = std::string("seccomp: ") + std::strerror(errno);
    return false;
  }
  return true;
}

#else

bool EnterSandbox(std::string* error) {
  if (error) *error = "-ct-sandbox needs Linux seccomp on x86-64 or AArch64";
  return false;
}

#endif

}  // namespace thrustc::platform
