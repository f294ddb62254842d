# Shared helpers for the e2e shell tests (sourced, not run). A test sets
# $last to the output prefix it passes to run_cmd; expect_status prints
# $last.out and $last.err when the status is wrong.

# fail MESSAGE...: report and stop the test.
fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# run_cmd OUT_PREFIX CMD...: runs CMD, storing stdout, stderr and the exit
# status in $OUT_PREFIX.out, $OUT_PREFIX.err and $status.
run_cmd() {
    local prefix=$1
    shift
    status=0
    "$@" >"$prefix.out" 2>"$prefix.err" || status=$?
}

# expect_status WANT WHAT: $status must be WANT.
expect_status() {
    if [ "$status" -ne "$1" ]; then
        printf -- '--- stdout:\n' >&2; cat "$last.out" >&2
        printf -- '--- stderr:\n' >&2; cat "$last.err" >&2
        fail "$2: exit status $status, expected $1"
    fi
}

# expect_match FILE REGEX WHAT: some line of FILE matches the extended REGEX.
expect_match() {
    if ! grep -Eq -- "$2" "$1"; then
        printf -- '--- %s:\n' "$1" >&2; cat "$1" >&2
        fail "$3: no line matches /$2/"
    fi
}

# expect_no_match FILE REGEX WHAT: no line of FILE matches REGEX.
expect_no_match() {
    if grep -Eq -- "$2" "$1"; then
        printf -- '--- %s:\n' "$1" >&2; cat "$1" >&2
        fail "$3: a line matches /$2/"
    fi
}
