#!/usr/bin/env bash
# Builds Sluice's libFuzzer targets with clang and runs them.
#
#   run.sh --smoke [--out DIR] [TARGET...]   every target (or those named) for a fixed,
#                                            short number of runs: what ctest and CI run
#   run.sh [--out DIR] TARGET [SECONDS] [-- LIBFUZZER_ARGS...]
#                                            one target for SECONDS (default 300), with a
#                                            corpus kept in DIR/corpus/TARGET
#   run.sh --repro [--out DIR] TARGET FILE...   runs the target once on each file
#   run.sh --build [--out DIR] [TARGET...]   builds only
#   run.sh --list                            the targets
#
# Each target is tests/fuzz/TARGET.c linked with the sources of the components
# it needs (the table below), compiled once per component into DIR/obj with
# -fsanitize=fuzzer-no-link,address,undefined. A crash, leak, UB or timeout
# makes the run fail (non-zero exit) and prints where the input was saved.
# Without clang or its fuzzer runtime the script says so and exits 0, and
# only then (ctest reports that as skipped).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_DIR=$ROOT/tests/fuzz

# ---- the targets ---------------------------------------------------------------
# name                          components (linked in)   smoke runs
# To add a target: write tests/fuzz/<name>.c and add one line here, with a few
# seed files under tests/fuzz/corpus/<name>/ (a <name>.dict beside the harness
# is used when present). A new component also needs a case in each
# component_* function below. docs/FUZZING.md has the details.
TARGETS=(
    "fuzz_properties              core                      30000"
    "fuzz_config                  core                      10000"
    "fuzz_json_converter          core,converters           40000"
    "fuzz_simple_header_converter core,converters           60000"
    "fuzz_kafka_request           core,broker               10000"
    "fuzz_record_batch            core,broker               20000"
)

# The sources of each component: the runtime core is worker/*.c but main.c
# and cli_standalone.c (they live in the binary only);
# a plugin's sources are linked in directly and reached through its
# sluice_plugin_entry().
component_sources() {
    case $1 in
    core) for f in "$ROOT"/worker/*.c; do
        case ${f##*/} in main.c | cli_standalone.c) ;; *) echo "$f" ;; esac
    done ;;
    converters) printf '%s\n' "$ROOT"/converters/*.c ;;
    broker) printf '%s\n' "$ROOT"/broker/*.c ;;
    *) echo "fuzz: unknown component '$1' in the target table" >&2; return 1 ;;
    esac
}
component_includes() {
    case $1 in
    core) echo "-I$ROOT/worker" ;;
    *) echo "-I$ROOT/$1" ;;
    esac
}
component_libs() {
    case $1 in
    core) echo "-ljansson -lltdl -lm -lpthread -ldl" ;;
    converters) echo "-ljansson -lm" ;;
    *) ;;
    esac
}

# ---- options -------------------------------------------------------------------
CC=${FUZZ_CC:-clang}
OUT=$ROOT/build-fuzz
JOBS=$(nproc 2>/dev/null || echo 2)
MODE=long
ARGS=()
EXTRA=()
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) MODE=smoke ;;
    --build) MODE=build ;;
    --repro) MODE=repro ;;
    --list) MODE=list ;;
    --out) OUT=$2; shift ;;
    --out=*) OUT=${1#--out=} ;;
    -j) JOBS=$2; shift ;;
    -h | --help) sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) ARGS+=("$1") ;;
    esac
    shift
done

# find_target NAME: its line of the table.
find_target() {
    local t name rest
    for t in "${TARGETS[@]}"; do
        read -r name rest <<<"$t"
        if [ "$name" = "$1" ]; then
            echo "$t"
            return 0
        fi
    done
    echo "fuzz: no target '$1'; targets: $(all_targets | tr '\n' ' ')" >&2
    exit 2
}
all_targets() {
    local t name rest
    for t in "${TARGETS[@]}"; do
        read -r name rest <<<"$t"
        echo "$name"
    done
}

# Names are checked before anything is built.
case $MODE in
build | smoke) for t in ${ARGS[@]+"${ARGS[@]}"}; do find_target "$t" >/dev/null; done ;;
long | repro) [ ${#ARGS[@]} -eq 0 ] || find_target "${ARGS[0]}" >/dev/null ;;
esac

if [ "$MODE" = list ]; then
    all_targets
    exit 0
fi

# ---- the toolchain -------------------------------------------------------------
skip() {
    echo "fuzz: SKIP: $* (scripts/install-deps.sh installs clang and libclang-rt-14-dev)"
    exit 0
}
command -v "$CC" >/dev/null 2>&1 || skip "$CC not found"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
probe=$OUT/probe
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
    >"$probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
    skip "$CC cannot build a libFuzzer target ($(head -n 1 "$probe.log"))"
fi

SAN=(-fsanitize=address -fsanitize=undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
read -r -a JANSSON_CFLAGS <<<"$(pkg-config --cflags jansson 2>/dev/null || true)"
CFLAGS=(-std=c11 -D_GNU_SOURCE -g -O1 "${SAN[@]}" -fsanitize=fuzzer-no-link -I"$ROOT/include"
        ${JANSSON_CFLAGS[@]+"${JANSSON_CFLAGS[@]}"})

# Objects are rebuilt when their source or a header they include changed
# (from the -MMD dependency files), or when the flags did.
flags_id=$(printf '%s ' "$CC" "${CFLAGS[@]}" | cksum | cut -d' ' -f1)
if [ "$(cat "$OUT/obj/flags" 2>/dev/null)" != "$flags_id" ]; then
    rm -rf "$OUT/obj"
    mkdir -p "$OUT/obj"
    echo "$flags_id" >"$OUT/obj/flags"
fi

stale() { # stale OBJECT: true when OBJECT must be (re)built
    local obj=$1 dep=${1%.o}.d f deps
    [ -f "$obj" ] && [ -f "$dep" ] || return 0
    read -r -a deps <<<"$(sed -e 's/\\$//' -e 's/^[^:]*://' "$dep" | tr '\n' ' ')"
    for f in ${deps[@]+"${deps[@]}"}; do
        [ "$f" -nt "$obj" ] && return 0
    done
    return 1
}

# compile SRC OBJ [FLAGS...]: one compile, its output kept for a failure.
compile() {
    local src=$1 obj=$2
    shift 2
    if ! "$CC" "${CFLAGS[@]}" "$@" -MMD -MF "${obj%.o}.d" -c "$src" -o "$obj" \
        >"${obj%.o}.log" 2>&1; then
        echo "fuzz: FAILED to compile $src:" >&2
        cat "${obj%.o}.log" >&2
        rm -f "$obj"
        return 1
    fi
}

# build_component NAME: its sources into DIR/obj/NAME/lib.a, in parallel.
build_component() {
    local comp=$1 dir=$OUT/obj/$1 src obj changed=0 incs
    mkdir -p "$dir"
    rm -f "$dir/.failed"
    incs=$(component_includes "$comp")
    for src in $(component_sources "$comp"); do
        obj=$dir/$(basename "${src%.c}").o
        stale "$obj" || continue
        changed=1
        while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
        # shellcheck disable=SC2086
        { compile "$src" "$obj" $incs -I"$ROOT/worker" || touch "$dir/.failed"; } &
    done
    wait
    [ ! -e "$dir/.failed" ] || return 1
    # A source that went away must leave the archive too.
    for obj in "$dir"/*.o; do
        [ -e "$obj" ] || continue
        component_sources "$comp" | grep -q "/$(basename "${obj%.o}")\.c$" && continue
        rm -f "$obj" "${obj%.o}".d "${obj%.o}".log
        changed=1
    done
    if [ $changed -eq 1 ] || [ ! -f "$dir/lib.a" ]; then
        rm -f "$dir/lib.a"
        ar rcs "$dir/lib.a" "$dir"/*.o
    fi
}

# build_target NAME: DIR/bin/NAME.
build_target() {
    local name=$1 components runs comps comp incs=() archives=() libs=() more
    read -r name components runs <<<"$(find_target "$name")"
    IFS=, read -r -a comps <<<"$components"
    for comp in "${comps[@]}"; do
        if [ ! -f "$OUT/obj/$comp/.built" ]; then
            build_component "$comp" || return 1
            touch "$OUT/obj/$comp/.built"
        fi
        read -r -a more <<<"$(component_includes "$comp")"
        incs+=(${more[@]+"${more[@]}"})
        read -r -a more <<<"$(component_libs "$comp")"
        libs+=(${more[@]+"${more[@]}"})
        archives+=("$OUT/obj/$comp/lib.a")
    done
    mkdir -p "$OUT/bin" "$OUT/obj/harness"
    local obj=$OUT/obj/harness/$name.o
    if stale "$obj"; then
        compile "$FUZZ_DIR/$name.c" "$obj" -Wall -Wextra -Werror -I"$FUZZ_DIR" "${incs[@]}" ||
            return 1
    fi
    # The archives in a group: plugins call into the core and back.
    "$CC" "${SAN[@]}" -fsanitize=fuzzer "$obj" -Wl,--start-group "${archives[@]}" \
        -Wl,--end-group ${libs[@]+"${libs[@]}"} -o "$OUT/bin/$name" \
        2>"$OUT/obj/harness/$name.link.log" || {
        echo "fuzz: FAILED to link $name:" >&2
        cat "$OUT/obj/harness/$name.link.log" >&2
        return 1
    }
}

# Builds the named targets, each component once.
build_all() {
    local t
    rm -f "$OUT"/obj/*/.built
    for t in "$@"; do
        build_target "$t" || return 1
    done
    rm -f "$OUT"/obj/*/.built
}

# ---- running -------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_target NAME LOG CORPUS... -- FLAGS: runs libFuzzer; on failure prints the
# end of its log and where the input that failed was saved.
run_target() {
    local name=$1 log=$2
    shift 2
    local start=$SECONDS rc=0
    # In a subshell, so that bash's own "Aborted" line goes to the log too.
    ("$OUT/bin/$name" "$@") >"$log" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
        echo "fuzz: FAILED: $name (exit $rc) after $((SECONDS - start))s; the end of $log:" >&2
        tail -n 60 "$log" >&2
        local saved
        saved=$(grep -o "Test unit written to .*" "$log" | sed 's/Test unit written to //' || true)
        if [ -n "$saved" ]; then
            echo "fuzz: the input that failed: $saved" >&2
            echo "fuzz: reproduce with: $0 --repro --out $OUT $name $saved" >&2
        fi
        return 1
    fi
    local stats
    stats=$(grep -E "^(Done |#[0-9]+: cov:)" "$log" | tail -n 1 || true)
    echo "fuzz: ok: $name in $((SECONDS - start))s: ${stats:-done}"
}

# copy_seeds NAME DIR: the checked-in seeds of NAME into DIR (kept when there).
copy_seeds() {
    if [ -d "$FUZZ_DIR/corpus/$1" ]; then
        cp -n "$FUZZ_DIR/corpus/$1"/* "$2"/ 2>/dev/null || true
    fi
}

# DICT: the libFuzzer flag for NAME's dictionary, when it has one.
set_dict() {
    DICT=()
    if [ -f "$FUZZ_DIR/$1.dict" ]; then
        DICT=(-dict="$FUZZ_DIR/$1.dict")
    fi
}

case $MODE in
build)
    [ ${#ARGS[@]} -gt 0 ] || mapfile -t ARGS < <(all_targets)
    build_all "${ARGS[@]}"
    echo "fuzz: built ${ARGS[*]} in $OUT/bin"
    ;;
smoke)
    [ ${#ARGS[@]} -gt 0 ] || mapfile -t ARGS < <(all_targets)
    t0=$SECONDS
    build_all "${ARGS[@]}"
    echo "fuzz: built ${#ARGS[@]} targets in $((SECONDS - t0))s"
    failed=()
    for name in "${ARGS[@]}"; do
        read -r name components runs <<<"$(find_target "$name")"
        # A fresh copy of the seeds each time, and a fixed seed: the same
        # inputs on every machine, and the checked-in corpus stays as it is.
        corpus=$OUT/smoke/$name/corpus
        rm -rf "$OUT/smoke/$name"
        mkdir -p "$corpus" "$OUT/smoke/$name/artifacts"
        copy_seeds "$name" "$corpus"
        set_dict "$name"
        run_target "$name" "$OUT/smoke/$name/log" "$corpus" ${DICT[@]+"${DICT[@]}"} \
            -seed=1 -runs="$runs" -max_total_time=60 -timeout=10 -max_len=4096 \
            -rss_limit_mb=2048 -print_final_stats=1 \
            -artifact_prefix="$OUT/smoke/$name/artifacts/" ${EXTRA[@]+"${EXTRA[@]}"} ||
            failed+=("$name")
    done
    if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz: FAILED: ${failed[*]} (total $((SECONDS - t0))s)" >&2
        exit 1
    fi
    echo "fuzz: all ${#ARGS[@]} targets passed in $((SECONDS - t0))s"
    ;;
repro)
    [ ${#ARGS[@]} -ge 2 ] || { echo "fuzz: --repro TARGET FILE..." >&2; exit 2; }
    name=${ARGS[0]}
    build_all "$name"
    "$OUT/bin/$name" "${ARGS[@]:1}" ${EXTRA[@]+"${EXTRA[@]}"}
    ;;
long)
    [ ${#ARGS[@]} -ge 1 ] || { echo "fuzz: which target? (--list; see --help)" >&2; exit 2; }
    name=${ARGS[0]}
    seconds=${ARGS[1]:-300}
    find_target "$name" >/dev/null
    build_all "$name"
    corpus=$OUT/corpus/$name
    mkdir -p "$corpus" "$OUT/crashes/$name"
    copy_seeds "$name" "$corpus"
    set_dict "$name"
    echo "fuzz: running $name for ${seconds}s; corpus $corpus, failures go to $OUT/crashes/$name/"
    run_target "$name" "$OUT/$name.log" "$corpus" ${DICT[@]+"${DICT[@]}"} \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/crashes/$name/" ${EXTRA[@]+"${EXTRA[@]}"}
    ;;
esac
