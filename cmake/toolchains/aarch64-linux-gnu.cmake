# Cross-compiling edgebench for 64-bit ARM Linux with Debian's cross toolchain
# (g++-aarch64-linux-gnu) against multiarch libraries (libfmt-dev:arm64, ...; see
# scripts/install-deps). Debian installs those under /usr/lib/aarch64-linux-gnu beside the
# host's, and arch-independent files (headers, header-only CMake packages) once in /usr, so
# the host's prefix is searched as it is, with the ARM library directory: no sysroot copy.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# GCC notes that std::pair's argument passing changed in GCC 10 (AArch64 ABI); nothing
# here links code built by an older GCC, so the notes are noise.
set(CMAKE_CXX_FLAGS_INIT -Wno-psabi)

# Libraries and CMake packages of the host architecture must never be picked up: search
# only the ARM library directory (and arch-independent /usr/share/cmake, /usr/include).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)  # protoc and other build tools run here
# Debian's darknet is installed outside the multiarch directories, for the host only.
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/cmake /usr/lib/darknet)

# Test binaries (gtest discovery, ctest, the CLI) run under user-mode emulation. The
# loader prefix lets qemu find ld-linux-aarch64.so.1 and libc when no binfmt handler is
# registered; multiarch libraries (libfmt.so.9:arm64, ...) are found through ld.so.cache.
find_program(EDGEBENCH_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(EDGEBENCH_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${EDGEBENCH_QEMU_AARCH64} -L /usr/aarch64-linux-gnu)
endif()

# Debian's libonnx-dev:arm64 cannot be installed beside the host's (both ship
# /usr/lib/libonnxifi.so), but its runtime, libonnx1:arm64, can, and the headers are the
# same for every architecture: a small package file names those libraries instead.
if(NOT EXISTS /usr/lib/aarch64-linux-gnu/cmake/ONNX/ONNXConfig.cmake)
  set(ONNX_DIR ${CMAKE_CURRENT_LIST_DIR}/../aarch64-onnx CACHE PATH "ONNX for aarch64")
endif()
