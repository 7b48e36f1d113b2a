"""Guest programs for RISC-V, their native twins, and guest-vs-qemu comparison tests.

Everything is built by genrules that call Debian's compilers in /usr/bin; nothing
is downloaded. Guest binaries are static (-static) unless built with
link = "dynamic": those load Debian's riscv64 glibc from the sysroot
/usr/riscv64-linux-gnu (libc6-riscv64-cross), which dbt uses by default and
compare.sh gives qemu-riscv64 with -L. Outputs live under <package>/riscv64/ and <package>/x86_64/ so that a
program and its native twin can share a name.
"""

_GUEST_CC = "/usr/bin/riscv64-linux-gnu-gcc"
_GUEST_CXX = "/usr/bin/riscv64-linux-gnu-g++"
_NATIVE_CC = "/usr/bin/gcc"
_NATIVE_CXX = "/usr/bin/g++"

# Warnings only: a guest test may deliberately do what a warning is about (NULL
# writes, division by zero), so there is no -Werror.
_COMMON_FLAGS = ["-Wall", "-Wno-unused-parameter"]

_CXX_EXTENSIONS = (".cc", ".cpp", ".cxx")
_COMPILED_EXTENSIONS = (".c", ".S", ".s") + _CXX_EXTENSIONS

def _compile_cmd(compiler_c, compiler_cxx, srcs, flags):
    """The genrule command compiling and linking `srcs` into $@."""
    compiled = [s for s in srcs if s.endswith(_COMPILED_EXTENSIONS)]
    if not compiled:
        fail("no .c/.S/.cc file among srcs %s" % srcs)
    cxx = [s for s in compiled if s.endswith(_CXX_EXTENSIONS)]
    compiler = compiler_cxx if cxx else compiler_c
    return " ".join(
        [compiler] + flags + ["$(location %s)" % s for s in compiled] + ["-o $@"],
    )

def riscv_guest_binary(
        name,
        srcs,
        copts = [],
        opt = "-O2",
        linkopts = [],
        hdrs = [],
        march = "rv64gc",
        mabi = "lp64d",
        out = None,
        link = "static",
        **kwargs):
    """An RV64 Linux executable, `<package>/riscv64/<out or name>`.

    srcs: .c, .S or .cc files (any .cc selects riscv64-linux-gnu-g++); hdrs: files
    they include. opt is the optimization flag ("-O0", "-O2", "-O3", "-Os").
    link: "static" (-static) or "dynamic" (a PIE against the sysroot's glibc).
    """
    if link not in ("static", "dynamic"):
        fail("link must be static or dynamic, got %s" % link)
    link_flags = ["-static"] if link == "static" else []
    flags = link_flags + ["-march=" + march, "-mabi=" + mabi, opt, "-g"] + _COMMON_FLAGS + copts
    native.genrule(
        name = name,
        srcs = srcs + hdrs,
        outs = ["riscv64/" + (out or name)],
        cmd = _compile_cmd(_GUEST_CC, _GUEST_CXX, srcs, flags) + " " + " ".join(linkopts),
        executable = True,
        **kwargs
    )

def native_binary(name, srcs, copts = [], opt = "-O2", linkopts = [], hdrs = [], out = None, **kwargs):
    """The x86-64 twin of a guest program (host gcc), `<package>/x86_64/<out or name>`."""
    flags = [opt] + _COMMON_FLAGS + copts
    native.genrule(
        name = name,
        srcs = srcs + hdrs,
        outs = ["x86_64/" + (out or name)],
        cmd = _compile_cmd(_NATIVE_CC, _NATIVE_CXX, srcs, flags) + " " + " ".join(linkopts),
        executable = True,
        **kwargs
    )

# The runner under test: an alias in //tests/guest that selects //clients:dbt or a
# qemu stand-in (see tests/guest/BUILD).
_RUNNER = "//tests/guest:runner"
_COMPARE = "//tests/guest:compare.sh"

def riscv_guest_compare_test(
        name,
        binary,
        args = [],
        stdin = None,
        stderr = "compare",
        expect_status = 0,
        data = [],
        tags = [],
        size = "small",
        **kwargs):
    """One sh_test: run `binary args` under qemu-riscv64 and under the runner, compare.

    binary: label of a riscv_guest_binary. stdin: label of a file fed to both runs.
    stderr: "compare" (identical), "guest" (compare after dropping lines that start
    with "qemu:" or "dbt:", the runners' own messages, e.g. about uncaught signals)
    or "ignore". expect_status: the status the reference (qemu) run must have, as a
    shell reports it (128+N for death by signal N); guards the test program itself.
    """
    # Each of the two runs gets under half of Bazel's timeout for the test size, so
    # a hanging runner is reported by compare.sh (with what it printed so far)
    # rather than killed by Bazel without a diagnosis.
    per_run_timeout = {"small": 25, "medium": 120, "large": 400, "enormous": 1500}[size]
    flags = ["--expect-status", str(expect_status), "--timeout", str(per_run_timeout)]
    test_data = [_RUNNER, binary] + data
    if stdin:
        flags += ["--stdin", "$(rootpath %s)" % stdin]
        test_data.append(stdin)
    if stderr not in ("compare", "guest", "ignore"):
        fail("stderr must be compare, guest or ignore, got %s" % stderr)
    flags += ["--stderr", stderr]
    native.sh_test(
        name = name,
        srcs = [_COMPARE],
        args = flags + ["$(rootpath %s)" % _RUNNER, "$(rootpath %s)" % binary] + args,
        data = test_data,
        tags = ["guest"] + tags,
        size = size,
        **kwargs
    )

def _opt_suffix(opt):
    if not opt.startswith("-O"):
        fail("opt must look like -O2, got %s" % opt)
    return "O" + opt[2:]

def riscv_guest_test(
        name,
        srcs,
        opts = ["-O0", "-O2"],
        copts = [],
        linkopts = [],
        hdrs = [],
        link = "static",
        runs = None,
        args = [],
        stdin = None,
        stderr = "compare",
        expect_status = 0,
        data = [],
        tags = [],
        size = "small",
        **kwargs):
    """A guest program built at each of `opts`, with one comparison test per build.

    Targets, for opt "-O2": binary `<name>_O2_bin` (file riscv64/<name>_O2_bin) and
    test `<name>_O2`. Tests are tagged "guest", "guest_O2" and `tags`, so
    --test_tag_filters can pick them.

    link: "static", "dynamic" or "both" ("both" adds `<name>_dyn_<opt>` builds
    and tests of the same source, dynamically linked).

    runs: optional dict suffix -> struct-like dict {"args": [...], "expect_status": N,
    "stdin": label, "stderr": mode, "tags": [...]}; each entry makes a test
    `<name>_<suffix>_O2` sharing the binary. Without runs, one test uses args/stdin/...
    """
    if link not in ("static", "dynamic", "both"):
        fail("link must be static, dynamic or both, got %s" % link)
    builds = []
    if link in ("static", "both"):
        builds.append(("", "static"))
    if link in ("dynamic", "both"):
        builds.append(("dyn_", "dynamic"))
    for opt in opts:
        for link_prefix, link_kind in builds:
            suffix = link_prefix + _opt_suffix(opt)
            bin_name = "%s_%s_bin" % (name, suffix)
            riscv_guest_binary(
                name = bin_name,
                srcs = srcs,
                hdrs = hdrs,
                copts = copts,
                opt = opt,
                linkopts = linkopts,
                link = link_kind,
                tags = ["guest_binary"],
            )
            variants = runs if runs != None else {"": {}}
            for run_suffix, run in variants.items():
                test_name = name + ("_" + run_suffix if run_suffix else "") + "_" + suffix
                riscv_guest_compare_test(
                    name = test_name,
                    binary = ":" + bin_name,
                    args = run.get("args", args),
                    stdin = run.get("stdin", stdin),
                    stderr = run.get("stderr", stderr),
                    expect_status = run.get("expect_status", expect_status),
                    data = data,
                    tags = ["guest_" + suffix] + tags + run.get("tags", []),
                    size = size,
                    **kwargs
                )
