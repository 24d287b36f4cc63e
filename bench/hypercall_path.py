#!/usr/bin/env python3
"""hypercall_path.py — the kernel's path length for a hypercall round trip, in instructions, on
both backends side by side.

Method, AMD-V: QEMU (TCG, AMD-V, `-icount shift=0,sleep=off`: the virtual clock advances one
nanosecond per guest instruction and stands still while gdb holds the machine, so stepping
does not move the schedule) boots the benchmark image (tests/guests/policies/bench.policy: one PV
domain calling time(), console_write() of 64 bytes and yield() in turn) with its gdb stub; gdb
stops at `septum_svm_exit` (the instruction after VMRUN, where every #VMEXIT lands) and, for a
VMMCALL exit, single-steps the kernel until it executes VMRUN again (`septum_svm_vmrun`: back in
a guest) or HLT (`septum_idle_hlt`: the CPU idles for the rest of the slot, as after yield).
Every instruction the kernel executes in between is counted once, including the world-switch
stub's register saves; a REP string instruction counts once per iteration (QEMU single-steps
each); the timer interrupt is masked while stepping (QEMU's default), so no interrupt handler
is counted. The VMRUN and the guest's own instructions are excluded.

Method, Intel VT-x: Bochs (tools/vm/bochs.sh, as the tests run it: corei7_skylake_x, its virtual
clock one tick per instruction, so tracing does not move the schedule) boots the same image with
its internal debugger scripted:
stop at `septum_vmx_exit` (the HOST_RIP of every VM exit) once, then trace enough instructions for
the samples asked for (1,000,000 and 1,600,000 per sample).
The trace is cut into exits — from `septum_vmx_exit` to the next VMLAUNCH/VMRESUME or to
`septum_idle_hlt` — and the VMCALL exits (those right after a guest `vmcall`) are told apart by the
kernel code they run: the console line assembler (console_write), the HLT of a given-up slot
(yield), neither (time).
Kernel instructions are those whose physical and linear addresses agree (the guest's are
mapped elsewhere). As under QEMU, VMLAUNCH/VMRESUME and the guest's instructions are excluded,
and so is an interrupt taken during the exit (its entry stub to its IRETQ: the slot timer's
handler, which QEMU masks while it steps).

Usage: hypercall_path.py --iso BENCH.iso --kernel SEPTUM.elf [--samples N] [--backend svm|vmx|both]
                         [--bochs tools/vm/bochs.sh]
Prints min / median / max per call and backend, and the goal (yield <= 300).
"""
import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile

# Call numbers (kernel/abi/hypercall.h), and kYieldAtSlotEnd for a yield whose exit found its
# slot over: the kernel ran the scheduler's step to the next slot (Scheduler::Step, kept out of
# line for this) before it idled. The bench guest aims one yield per round at its slot's end (tests/guests/testguest.cc).
kYieldAtSlotEnd = 100
# The guest's RDX in a time() call that serves its aim and is not to be stepped (the stepping
# would move QEMU's virtual clock under the aim): tests/guests/testguest.cc kBenchNotSampled.
kNotSampled = 0x53455054554d0000
kStep = "septum::Scheduler<septum::x86::Platform>::Step"
NAMES = {1: "console_write(64 bytes)", 2: "yield, mid-slot", kYieldAtSlotEnd: "yield, at its slot's end", 3: "time"}
GOAL = {2: 300, kYieldAtSlotEnd: 300}


def symbol(kernel, name):
    out = subprocess.run(["nm", kernel], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    sys.exit(f"hypercall_path: symbol {name} not in {kernel}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


GDB_SCRIPT = r'''
import gdb
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set architecture i386:x86-64")
gdb.execute("target remote 127.0.0.1:%(port)d")
gdb.execute("hbreak *%(exit)d")
counts = {}
traces = {}
def u64(addr):
    return int(gdb.parse_and_eval("*(unsigned long long *)%%d" %% addr)) & 0xffffffffffffffff
stops = (%(vmrun)d, %(hlt)d)
step_lo, step_hi = %(next_slot_lo)d, %(next_slot_hi)d
calls = 0
while min([len(counts.get(n, [])) for n in (1, 2, 3, %(at_end)d)]) < %(samples)d and calls < %(max_calls)d:
    gdb.execute("continue", to_string=True)
    vmcb = int(gdb.parse_and_eval("$rax")) & 0xffffffffffffffff
    if u64(vmcb + 0x70) != 0x81 or (int(gdb.parse_and_eval("$rdx")) & 0xffffffffffffffff) == %(not_sampled)d:
        continue
    calls += 1
    number = u64(vmcb + 0x5f8)
    steps = 0
    pcs = []
    while True:
        gdb.execute("stepi", to_string=True)
        steps += 1
        pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
        pcs.append(pc)
        if pc in stops or steps > 200000:
            break
    if number == 2 and any(step_lo <= p < step_hi for p in pcs):
        number = %(at_end)d
    if number not in traces:
        traces[number] = pcs
    counts.setdefault(number, []).append(steps)
for n, v in sorted(counts.items()):
    print("COUNT %%d %%s" %% (n, " ".join(str(x) for x in v)))
for n, pcs in sorted(traces.items()):
    print("TRACE %%d %%s" %% (n, " ".join("%%x" %% p for p in pcs)))
gdb.execute("kill")
'''


def measure_svm(a):
    """{call number: [instructions per sample]}, {call number: [pcs of one sample]} under QEMU."""
    next_slot = function_ranges(a.kernel, [kStep])[kStep]
    addresses = {"exit": symbol(a.kernel, "septum_svm_exit"), "vmrun": symbol(a.kernel, "septum_svm_vmrun"),
                 "hlt": symbol(a.kernel, "septum_idle_hlt"), "next_slot_lo": next_slot[0], "next_slot_hi": next_slot[1],
                 "at_end": kYieldAtSlotEnd, "not_sampled": kNotSampled}
    port = free_port()
    work = tempfile.mkdtemp(prefix="septum-bench-")
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg", "-icount", "shift=0,sleep=off", "-cpu", "qemu64,+svm,+npt", "-m", "256", "-display", "none",
         "-monitor", "none", "-no-reboot", "-nodefaults", "-serial", "file:" + os.path.join(work, "serial.log"),
         "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-drive", f"file={a.iso},media=cdrom,format=raw,readonly=on",
         "-boot", "d", "-gdb", f"tcp:127.0.0.1:{port}", "-S"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    script = os.path.join(work, "count.py")
    with open(script, "w") as f:
        # The guest makes 20 rounds of 4 calls: enough for 5 samples of each, whatever the aim.
        f.write(GDB_SCRIPT % dict(addresses, port=port, samples=a.samples, max_calls=80))
    try:
        out = subprocess.run(["timeout", "-k", "5", "900", "gdb", "-nx", "-batch", "-x", script],
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
    finally:
        qemu.kill()
        qemu.wait()
    counts, traces = {}, {}
    for line in out.stdout.splitlines():
        if line.startswith("TRACE "):
            parts = line.split()
            traces[int(parts[1])] = [int(x, 16) for x in parts[2:]]
        if line.startswith("COUNT "):
            parts = line.split()
            counts[int(parts[1])] = [int(x) for x in parts[2:]]
    if not counts:
        print(out.stdout[-2000:], out.stderr[-2000:], file=sys.stderr)
        sys.exit("hypercall_path: no hypercall exits were counted under QEMU")
    return counts, traces


# "(0).[423265682] [0x000000107dc0] 0008:0000000000107dc0 (unk. ctxt): mov rdi, ..."
TRACE_LINE = re.compile(r"^\(\d+\)\.\[\d+\] \[0x([0-9a-f]+)\] [0-9a-f]{4}:([0-9a-f]+) \(unk\. ctxt\): (\S+)")


def function_ranges(kernel, names):
    """{name: (start, end)} of the kernel functions with these (demangled) name prefixes."""
    out = subprocess.run(["nm", "-C", "-S", "--defined-only", kernel], check=True, capture_output=True, text=True).stdout
    ranges = {}
    for line in out.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and parts[2] in "tT":
            for n in names:
                if parts[3].startswith(n):
                    ranges[n] = (int(parts[0], 16), int(parts[0], 16) + int(parts[1], 16))
    return ranges


def measure_vmx(a):
    """{call number: [instructions per sample]}, {call number: [pcs of one sample]} under Bochs."""
    exit_pc, hlt_pc = symbol(a.kernel, "septum_vmx_exit"), symbol(a.kernel, "septum_idle_hlt")
    fn = function_ranges(a.kernel, ["septum::ConsoleLines::Feed", kStep])
    work = tempfile.mkdtemp(prefix="septum-bench-vmx-")
    script = os.path.join(work, "debugger.rc")
    with open(script, "w") as f:
        # Each round of the guest spans three major frames (1.5 million instructions at the
        # configuration's 50 M instructions per second: its console line alone takes longer than
        # its slot, as Bochs' UART sends at 115,200 baud); the first million set it up.
        f.write(f"lb 0x{exit_pc:x}\nc\nd 1\ntrace on\ns {1000000 + 1600000 * a.samples}\nquit\n")
    trace = os.path.join(work, "trace.txt")
    # The run ends at the script's `quit`, without a verdict: bochs.sh's status says nothing here.
    subprocess.run(["bash", a.bochs, "--iso", a.iso, "--memory", "256", "--timeout", "900", "--log", os.path.join(work, "serial.log"),
                    "--debugger", script, "--screen", trace], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    irq_stubs = symbol(a.kernel, "septum_irq_stubs")
    counts, traces = {}, {}
    segment = None  # the kernel PCs since the last septum_vmx_exit
    last_guest = ""  # the mnemonic of the guest's last instruction: "vmcall" for a hypercall exit
    hypercall = False
    in_irq = False  # inside the interrupt entry (from its stub to its iretq): the timer's, not the call's
    with open(trace, errors="replace") as f:
        for line in f:
            m = TRACE_LINE.match(line)
            if not m:
                continue
            phys, lin, mnemonic = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
            if phys == lin == exit_pc:
                segment = []
                hypercall = last_guest == "vmcall"
            if phys != lin:
                last_guest = mnemonic
            if segment is None or phys != lin:
                continue  # not in an exit, or a guest instruction
            if irq_stubs <= lin < irq_stubs + 0x1000 and not in_irq:
                in_irq = True
            if in_irq:
                in_irq = mnemonic not in ("iret", "iretq")  # Bochs writes IRETQ as iret
                continue
            if mnemonic in ("vmresume", "vmlaunch") or lin == hlt_pc:
                inside = lambda name: name in fn and any(fn[name][0] <= pc < fn[name][1] for pc in segment)
                if hypercall:
                    number = 1 if inside("septum::ConsoleLines::Feed") else 2 if lin == hlt_pc else 3
                    if number == 2 and inside(kStep):
                        number = kYieldAtSlotEnd
                    counts.setdefault(number, []).append(len(segment))
                    traces.setdefault(number, segment)
                segment = None
                continue
            segment.append(lin)
    if not counts:
        sys.exit(f"hypercall_path: no hypercall exits were traced under Bochs (trace: {trace})")
    return counts, traces


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--backend", choices=["svm", "vmx", "both"], default="both")
    ap.add_argument("--bochs", default="tools/vm/bochs.sh", help="the Bochs runner (its configuration is the tests')")
    ap.add_argument("--profile", action="store_true", help="also print, per call, the instructions counted in each kernel function")
    a = ap.parse_args()
    results = {}
    if a.backend in ("svm", "both"):
        results["svm"] = measure_svm(a)
    if a.backend in ("vmx", "both"):
        results["vmx"] = measure_vmx(a)
    print("hypercall round trip, kernel instructions from the VM exit to the next VM entry (or to the")
    print("HLT when the slot is given up): svm single-stepped in QEMU TCG (-icount) through its gdb")
    print("stub, vmx traced in Bochs' debugger; the entry instruction itself excluded; a yield at its")
    print("slot's end is one whose exit found the slot over (the scheduler steps to the next slot)")
    print(f"{'call':<26}{'backend':>8}{'samples':>8}{'min':>8}{'median':>8}{'max':>8}  goal")
    for n in (1, 2, kYieldAtSlotEnd, 3):
        for backend, (counts, _) in results.items():
            v = counts.get(n)
            if not v:
                print(f"{NAMES.get(n, str(n)):<26}{backend:>8}       0")
                continue
            goal = GOAL.get(n)
            verdict = "" if goal is None else (f"<= {goal}: " + ("met" if statistics.median(v) <= goal else "NOT met"))
            print(f"{NAMES.get(n, str(n)):<26}{backend:>8}{len(v):>8}{min(v):>8}{int(statistics.median(v)):>8}{max(v):>8}  {verdict}")
    missing = [f"{NAMES[n]} on {backend}" for backend, (counts, _) in results.items() for n in (1, 2, kYieldAtSlotEnd, 3)
               if not counts.get(n)]
    if missing:
        print("MISSED (no sample): " + ", ".join(missing))
    if a.profile:
        for backend, (_, traces) in results.items():
            for n in sorted(traces):
                print(f"\nprofile of one {NAMES.get(n, str(n))} on {backend} (instructions per function):")
                for name, count in profile(a.kernel, traces[n]):
                    print(f"  {count:>6}  {name}")
    sys.exit(1 if missing else 0)


def profile(kernel, pcs):
    """(function, instructions) for the PCs of one trace, most first."""
    out = subprocess.run(["nm", "-C", "--defined-only", "-n", kernel], check=True, capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    per = {}
    for pc in pcs:
        name = "?"
        for addr, sym in syms:
            if addr > pc:
                break
            name = sym
        per[name] = per.get(name, 0) + 1
    return sorted(per.items(), key=lambda x: -x[1])


if __name__ == "__main__":
    main()
