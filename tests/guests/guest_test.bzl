"""guest_system_test: compiles a test policy whose domains run tests/guests:testguest, packs the
kernel, the tables and one image module per domain into a GRUB ISO, boots it under QEMU (AMD-V)
for `run_ms` of schedule time and checks the serial log."""

load("//tests/boot:boot_test.bzl", "boot_test")

def guest_system_test(name, policy, domains, expect, reject = [], run_ms = 400, verdict = "success"):
    modules = " ".join(["--module $$d/testguest.elf=image:%s" % d for d in domains])
    native.genrule(
        name = name + "_iso",
        testonly = True,
        srcs = [policy, ":testguest"],
        outs = [name + ".iso"],
        cmd = " && ".join([
            "d=$$(mktemp -d)",
            "cp $(location %s) $$d/system.policy" % policy,
            "cp $(location :testguest) $$d/testguest.elf",
            "$(location //tools/cli:septum) compile $$d/system.policy -o $$d/tables.bin > $$d/compile.log || { cat $$d/compile.log; exit 1; }",
            "$(location //tools/build:mkiso) --out $@ --kernel $(location //kernel:septum) --cmdline run=%d --module $$d/tables.bin=tables %s" % (run_ms, modules),
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
