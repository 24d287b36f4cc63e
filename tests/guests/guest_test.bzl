"""guest_system_test: `septum build`s a test policy whose domains run tests/guests:testguest (the
image path in the policy is "testguest.elf" or "guests/testguest.elf") with the kernel command line run=`run_ms`, boots
the same ISO under QEMU (AMD-V: NAME_svm) and under Bochs (Intel VT-x: NAME_vmx), and checks each serial log against
the same expectations. NAME is a test_suite of both."""

load("//tests/boot:boot_test.bzl", "boot_test")

def guest_system_iso(name, policy, run_ms = 0, extra_images = {}, testonly = True, visibility = None):
    """NAME.iso: `septum build` of `policy` with kernel command line run=`run_ms` (0: none).
    `extra_images`: {label: file name} of further images placed beside the policy."""
    native.genrule(
        name = name,
        testonly = testonly,
        visibility = visibility,
        # The kernel is a source, not a tool: the image holds the kernel `bazel build //kernel:septum`
        # makes (the target configuration), whose symbols the benchmark reads.
        srcs = [policy, ":testguest", "//kernel:septum"] + list(extra_images.keys()),
        outs = [name + ".iso"],
        cmd = " && ".join([
            "d=$$(mktemp -d)",
            "cp $(location %s) $$d/system.policy" % policy,
            "mkdir -p $$d/guests",
            "cp $(location :testguest) $$d/testguest.elf",
            "cp $(location :testguest) $$d/guests/testguest.elf",
        ] + ["cp $(location %s) $$d/%s" % (label, file) for label, file in extra_images.items()] + [
            ("$(location //tools/cli:septum) build $$d/system.policy -o $$d/out --kernel $(location //kernel:septum) " +
             "--mkiso $(location //tools/build:mkiso) %s > $$d/build.log || { cat $$d/build.log; exit 1; }") %
            ("--cmdline run=%d" % run_ms if run_ms else ""),
            "cp $$d/out/septum.iso $@",
            "rm -rf $$d",
        ]),
        tools = [
            "//tools/build:mkiso",
            "//tools/cli:septum",
        ],
    )

def guest_system_test(name, policy, expect, reject = [], run_ms = 400, extra_images = {}, expect_com2 = [], verdict = "success", smp = 1,
                      devices = [], backends = ["svm", "vmx"]):
    """`devices`: QEMU devices (-device SPEC) the machine needs; Bochs has none of them, so such a test runs under QEMU
    only (pass backends = ["svm"])."""
    if devices and "vmx" in backends:
        fail("%s: Bochs (vmx) has no QEMU devices (%s): give backends = [\"svm\"]" % (name, devices))
    guest_system_iso(name = name + "_iso", policy = policy, run_ms = run_ms, extra_images = extra_images)
    for backend in backends:
        boot_test(
            name = name + "_" + backend,
            iso = ":" + name + "_iso",
            runner = "qemu" if backend == "svm" else "bochs",
            verdict = verdict,
            expect = expect,
            expect_com2 = expect_com2,
            smp = smp,
            devices = devices,
            reject = reject + ["PANIC", "must not happen"],
        )
    native.test_suite(
        name = name,
        tests = [":" + name + "_" + backend for backend in backends],
    )
