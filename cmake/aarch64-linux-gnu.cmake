# Cross toolchain for the compile-time path on AArch64 Linux (preset `aarch64`): Debian's
# aarch64-linux-gnu-g++ with multiarch arm64 libraries (libasmjit-dev:arm64, libffi-dev:arm64),
# tests run under qemu-aarch64-static. scripts/install-deps.sh installs all of it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Programs (python3, cc for C twins) come from the host; libraries and packages of the target
# come from the multiarch folders (/usr/lib/aarch64-linux-gnu) or the cross sysroot.
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# Every test executable (and thrustc, through the runners' --emulator) runs under qemu.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static;-L;/usr/aarch64-linux-gnu)
