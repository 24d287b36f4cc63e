"""Septum's compiler option sets and build rules, in one place.

Two option sets:
  HOST_COPTS   — host tools and tests: C++17, warnings are errors.
  KERNEL_COPTS — the freestanding kernel image: no exceptions, no RTTI, no red zone, no SSE,
                 no PIC, no stack protector, no hosted library (../shared/design/PLATFORM.md).

Code that runs in the kernel and is unit-tested on the host (kernel/lib, kernel/core,
kernel/abi) is declared once with `dual_cc_library`, which builds `NAME` with the kernel set,
`NAME_host` with the host set and `NAME_host_asan` with the host set under ASan + UBSan (what
the unit tests link). The kernel binary is linked by `kernel_elf` straight with
ld.lld and a linker script, so no hosted start files or libraries can slip in.
"""

_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wnon-virtual-dtor",
    "-Wformat=2",
    "-Wundef",
    "-Wvla",
]

# Host code is optimized: the proofs, the validator and their large tests (the bit-flip run
# validates ~70,000 blobs) need it, and -O2 keeps the warnings that need data-flow analysis.
HOST_COPTS = ["-std=c++17", "-O2"] + _WARNINGS

# Host tests of kernel code also run under AddressSanitizer and UBSan (STYLE.md).
SANITIZER_COPTS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer"]
SANITIZER_LINKOPTS = ["-fsanitize=address,undefined"]

KERNEL_COPTS = [
    "-std=c++17",
    "-ffreestanding",
    "-fno-exceptions",
    "-fno-rtti",
    "-fno-threadsafe-statics",
    "-fno-stack-protector",
    "-fno-pic",
    "-fno-pie",
    "-mno-red-zone",
    "-mgeneral-regs-only",
    "-mcmodel=small",
    "-fno-asynchronous-unwind-tables",
    "-fno-unwind-tables",
    "-fno-omit-frame-pointer",
    "-fcf-protection=none",
    "-U_FORTIFY_SOURCE",
    "-O2",
    "-nostdinc++",
    "-DSEPTUM_KERNEL=1",
] + _WARNINGS

def host_cc_library(name, copts = [], deps = [], asan_twin = False, **kwargs):
    """A host library; with asan_twin, also NAME_asan built under ASan + UBSan for unit tests
    (its dependencies inside this repository must have _asan twins too)."""
    native.cc_library(name = name, copts = HOST_COPTS + copts, deps = deps, **kwargs)
    if asan_twin:
        native.cc_library(
            name = name + "_asan",
            copts = HOST_COPTS + SANITIZER_COPTS + copts,
            deps = [d if d.startswith("@") else _twin(d, "_asan") for d in deps],
            **kwargs
        )

def host_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = HOST_COPTS + copts, **kwargs)

def host_cc_test(name, copts = [], deps = [], sanitize = True, linkopts = [], size = "small", **kwargs):
    """A gtest test; with sanitize=True it runs under ASan + UBSan."""
    native.cc_test(
        name = name,
        size = size,
        copts = HOST_COPTS + (SANITIZER_COPTS if sanitize else []) + copts,
        linkopts = (SANITIZER_LINKOPTS if sanitize else []) + linkopts,
        deps = deps + ["@system//:gtest_main"],
        **kwargs
    )

def _twin(label, suffix):
    """Maps a dual library's dependency to its twin (":foo" -> ":foo" + suffix)."""
    if label.startswith("@"):
        return label
    if ":" in label:
        return label + suffix
    return label + ":" + label.split("/")[-1] + suffix

def dual_cc_library(name, srcs = [], hdrs = [], deps = [], kernel_deps = [], host_deps = [], host_srcs = [], kernel_srcs = [], visibility = None, **kwargs):
    """Declares one library three times from one source list:

      NAME            kernel flags, for the kernel image;
      NAME_host       host flags, for host tools and benchmarks;
      NAME_host_asan  host flags under ASan + UBSan, for host unit tests.

    deps are dual libraries themselves; kernel_deps / host_deps are added to one side only.
    """
    native.cc_library(
        name = name,
        srcs = srcs + kernel_srcs,
        hdrs = hdrs,
        copts = KERNEL_COPTS,
        deps = deps + kernel_deps,
        linkstatic = True,
        visibility = visibility,
        **kwargs
    )
    for suffix, copts in [("_host", HOST_COPTS), ("_host_asan", HOST_COPTS + SANITIZER_COPTS)]:
        native.cc_library(
            name = name + suffix,
            srcs = srcs + host_srcs,
            hdrs = hdrs,
            copts = copts,
            deps = [_twin(d, suffix) for d in deps] + host_deps,
            visibility = visibility,
            **kwargs
        )

def kernel_cc_library(name, copts = [], **kwargs):
    """Kernel-only code (boot, arch): kernel flags, never built for the host."""
    native.cc_library(name = name, copts = KERNEL_COPTS + copts, linkstatic = True, **kwargs)

def _kernel_elf_impl(ctx):
    archives = []
    for dep in ctx.attr.deps:
        for linker_input in dep[CcInfo].linking_context.linker_inputs.to_list():
            for lib in linker_input.libraries:
                archive = lib.static_library or lib.pic_static_library
                if archive and archive not in archives:
                    archives.append(archive)
    out = ctx.actions.declare_file(ctx.label.name + ".elf")
    args = ctx.actions.args()
    args.add_all(["-static", "-nostdlib", "--build-id=none", "-z", "max-page-size=0x1000", "-z", "noexecstack"])
    args.add("-T", ctx.file.linker_script)
    args.add("-Map", ctx.outputs.map)
    args.add("-o", out)
    args.add("--whole-archive")
    args.add_all(archives)
    args.add("--no-whole-archive")
    ctx.actions.run(
        executable = "/usr/bin/ld.lld",
        arguments = [args],
        inputs = archives + [ctx.file.linker_script],
        outputs = [out, ctx.outputs.map],
        mnemonic = "KernelLink",
        progress_message = "Linking kernel %s" % out.short_path,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

kernel_elf = rule(
    implementation = _kernel_elf_impl,
    doc = "Links kernel libraries (whole archives) into a freestanding ELF64 with ld.lld.",
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "linker_script": attr.label(allow_single_file = True, mandatory = True),
    },
    outputs = {"map": "%{name}.map"},
)
