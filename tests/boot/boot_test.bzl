"""boot_test: an sh_test that boots a kernel ISO under QEMU (svm) or Bochs (vmx) and checks its log."""

_RUNNERS = {
    "qemu": "//tools/vm:qemu.sh",
    "bochs": "//tools/vm:bochs.sh",
}

def boot_test(name, runner, verdict, expect = [], reject = [], cpu = None, iso = "//kernel:septum_iso", expect_com2 = [], smp = 1, devices = [], **kwargs):
    runner_label = _RUNNERS[runner]
    args = [
        "--runner",
        "$(location %s)" % runner_label,
        "--iso",
        "$(location %s)" % iso,
        "--verdict",
        verdict,
    ]
    if cpu:
        args += ["--cpu", cpu]
    if smp != 1:
        args += ["--smp", str(smp)]
    for d in devices:
        args += ["--device", d]
    for e in expect:
        args += ["--expect", "'%s'" % e.replace("$", "$$")]
    for r in reject:
        args += ["--reject", "'%s'" % r.replace("$", "$$")]
    for e in expect_com2:
        args += ["--expect-com2", "'%s'" % e.replace("$", "$$")]
    native.sh_test(
        name = name,
        srcs = ["//tests/boot:boot_test.sh"],
        args = args,
        data = [runner_label, iso],
        # Bochs is slower: a test may take it half a minute, more on a busy machine.
        size = "small" if runner == "qemu" else "medium",
        # Emulators are CPU-heavy. A machine with several CPUs runs alone ("exclusive": after
        # the other tests, one at a time): QEMU's vCPU threads starved by other emulators fall
        # so far behind the clock that their guests barely run (seen: 1% progress under load).
        tags = ["boot", runner] + (["exclusive"] if smp > 1 else []),
        **kwargs
    )
