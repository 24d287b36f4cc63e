"""bench_smoke_test: runs a host benchmark at its smallest size as a test (bench/smoke_test.sh)."""

def bench_smoke_test(name, benchmark, expect, args = [], size = "small"):
    """NAME runs `benchmark` with `args` and passes if it exits 0, every `expect` regex (grep -E)
    matches a line of its output, and no line says rejected, failed or ERROR."""
    test_args = []
    for e in expect:
        test_args += ["--expect", "'%s'" % e.replace("$", "$$")]
    native.sh_test(
        name = name,
        size = size,
        srcs = ["smoke_test.sh"],
        args = test_args + ["--", "$(location %s)" % benchmark] + ["'%s'" % a.replace("$", "$$") for a in args],
        data = [benchmark],
    )
