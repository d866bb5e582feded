"""Bazel macros turning scenario files into tests.

    load("//scenarios:scenario_test.bzl", "scenario_test", "scenario_tests")

    # One test running the scenario with the seed in the file.
    scenario_test(name = "ping_rtt_test", src = "ping_rtt.textproto")

    # A seed sweep: every seed in A..B must pass. With shard_count, Bazel runs
    # shards in parallel (or on remote executors); each shard takes the seeds
    # whose offset from A is congruent to TEST_SHARD_INDEX mod
    # TEST_TOTAL_SHARDS. A failure names the seeds and the replay command.
    scenario_test(
        name = "ping_loss_sweep_test",
        src = "ping_loss.textproto",
        seeds = "1..200",
        shard_count = 8,
    )

    # One test per file, named <file>_test.
    scenario_tests(srcs = glob(["*.textproto"]))

The test passes when the runner (//sim) exits 0: the file is valid and every
expectation holds for every seed.
"""

def scenario_test(name, src, seeds = None, shard_count = None, args = [], size = "small", **kwargs):
    """A test that runs //sim on one scenario file.

    Args:
      name: test target name.
      src: the scenario file (a label).
      seeds: optional "A..B" seed range to sweep instead of the file's seed.
      shard_count: optional Bazel shard count (useful with seeds).
      args: extra flags for the runner.
      size: test size (default small).
      **kwargs: passed to sh_test (tags, timeout, ...).
    """
    test_args = [
        "$(rootpath //sim)",
        "$(rootpath %s)" % src,
        "--progress=off",
    ]
    if seeds:
        test_args.append("--seeds=" + seeds)
        test_args.append("--quiet")
    native.sh_test(
        name = name,
        srcs = ["//scenarios:run_scenario_test.sh"],
        data = ["//sim", src],
        args = test_args + args,
        shard_count = shard_count,
        size = size,
        **kwargs
    )

def scenario_tests(srcs, **kwargs):
    """One scenario_test per file, named after it (foo.textproto -> foo_test)."""
    for src in srcs:
        base = src.split("/")[-1]
        if base.endswith(".textproto"):
            base = base[:-len(".textproto")]
        scenario_test(name = base + "_test", src = src, **kwargs)
