"""guest_system_test: `septum build`s a test policy whose domains run tests/guests:testguest (the
image path in the policy is "testguest.elf") with the kernel command line run=`run_ms`, boots
the ISO under QEMU (AMD-V) and checks the serial log."""

load("//tests/boot:boot_test.bzl", "boot_test")

def guest_system_test(name, policy, expect, reject = [], run_ms = 400, verdict = "success"):
    native.genrule(
        name = name + "_iso",
        testonly = True,
        srcs = [policy, ":testguest"],
        outs = [name + ".iso"],
        cmd = " && ".join([
            "d=$$(mktemp -d)",
            "cp $(location %s) $$d/system.policy" % policy,
            "cp $(location :testguest) $$d/testguest.elf",
            ("$(location //tools/cli:septum) build $$d/system.policy -o $$d/out --kernel $(location //kernel:septum) " +
             "--mkiso $(location //tools/build:mkiso) --cmdline run=%d > $$d/build.log || { cat $$d/build.log; exit 1; }") % run_ms,
            "cp $$d/out/septum.iso $@",
            "rm -rf $$d",
        ]),
        tools = [
            "//kernel:septum",
            "//tools/build:mkiso",
            "//tools/cli:septum",
        ],
    )
    boot_test(
        name = name,
        iso = ":" + name + "_iso",
        runner = "qemu",
        verdict = verdict,
        expect = expect,
        reject = reject + ["PANIC", "must not happen"],
    )
