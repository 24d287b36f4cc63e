"""pv_guest: a PV guest of Septum on the guest SDK (tools/sdk; README.md there is the guide).

    load("//tools/sdk:pv_guest.bzl", "pv_guest")

    pv_guest(
        name = "hello",
        srcs = ["hello.cc"],
    )

declares
  NAME_lib  the guest's code: a kernel_cc_library (the kernel's freestanding flags,
            tools/build/defs.bzl) over the SDK's runtime, //tools/sdk:guest;
  NAME      its image, bazel-bin/.../NAME.elf (and NAME.map): an ELF64 linked by kernel_elf
            with ld.lld and the SDK's linker script, entry `_start` at guest-physical 0x200000.
A guest can link in another guest's code through `deps` (NAME_lib of that one).
"""

load("//tools/build:defs.bzl", "kernel_cc_library", "kernel_elf")

def pv_guest(name, srcs = [], hdrs = [], deps = [], visibility = None, testonly = False):
    kernel_cc_library(
        name = name + "_lib",
        srcs = srcs,
        hdrs = hdrs,
        deps = deps + ["//tools/sdk:guest"],
        testonly = testonly,
        visibility = visibility,
    )
    kernel_elf(
        name = name,
        linker_script = "//tools/sdk:guest.ld",
        deps = [":" + name + "_lib"],
        testonly = testonly,
        visibility = visibility,
    )
