"""bench_smoke_test: runs a host benchmark at its smallest size as a test (bench/smoke_test.sh)."""

def bench_smoke_test(name, benchmark, expect, args = [], data = [], size = "small", tags = []):
    """NAME runs `benchmark` with `args` and passes if it exits 0, every `expect` regex (grep -E)
    matches a line of its output, and no line says rejected, failed or ERROR. `data`: what the
    arguments name besides the benchmark."""
    test_args = []
    for e in expect:
        test_args += ["--expect", "'%s'" % e.replace("$", "$$")]
    native.sh_test(
        name = name,
        size = size,
        srcs = ["smoke_test.sh"],
        # A literal "$" is escaped; "$(rootpath ...)" is left for Bazel to expand.
        args = test_args + ["--", "$(location %s)" % benchmark] + ["'%s'" % a.replace("$", "$$").replace("$$(", "$(") for a in args],
        data = [benchmark] + data,
        tags = tags,
    )
