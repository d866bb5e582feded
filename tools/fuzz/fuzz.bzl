"""cc_fuzz_target: one fuzz entry point, two uses.

cc_fuzz_target(name = "stun_fuzzer", srcs = [...], deps = [...], corpus = glob([...]))
defines
  :stun_fuzzer            a libFuzzer binary under --config=fuzz; otherwise a
                          replay binary (corpus files + deterministic mutations)
  :stun_fuzzer_regression a cc_test replaying the corpus and 20000 mutations,
                          so ordinary `bazel test //...` exercises every parser
                          on hostile input.
The source must define extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t).
"""

def cc_fuzz_target(name, srcs, deps = [], corpus = [], mutations = 20000, size = "small", **kwargs):
    native.cc_binary(
        name = name,
        srcs = srcs,
        deps = deps + select({
            "//tools/fuzz:fuzzing": [],
            "//conditions:default": ["//tools/fuzz:replay_main"],
        }),
        linkopts = select({
            "//tools/fuzz:fuzzing": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        testonly = True,
        **kwargs
    )
    native.cc_test(
        name = name + "_regression",
        srcs = srcs,
        deps = deps + ["//tools/fuzz:replay_main"],
        data = corpus,
        args = ["--mutations=%d" % mutations] + ["$(location %s)" % c for c in corpus],
        size = size,
        **kwargs
    )
