#!/usr/bin/env bash
# The out-of-tree plugin story, end to end: install sluice into a temporary
# prefix, build examples/counter-source against the installed headers found
# with pkg-config, and load it with the installed binary. Also checks that
# the installed binary finds its built-in plugins on its own.
#
# Usage: example_plugin.sh CMAKE BUILD_DIR EXAMPLE_SOURCE_DIR
set -eu

cmake=$1
build=$2
example=$3
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d /tmp/sluice-example-e2e.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
last=$tmp/run

run_cmd "$last" "$cmake" --install "$build" --prefix "$prefix"
expect_status 0 "cmake --install $build --prefix $prefix"
[ -x "$prefix/bin/sluice" ] || fail "no sluice binary installed at $prefix/bin/sluice"
[ -f "$prefix/include/sluice/sluice.h" ] || fail "no headers installed under $prefix/include/sluice"

# The libdir may be lib, lib64 or lib/<multiarch>: find the .pc file.
pc=$(find "$prefix" -name sluice.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] || fail "no sluice.pc installed under $prefix"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$pc")
cflags=$(pkg-config --cflags sluice) || fail "pkg-config --cflags sluice failed with PKG_CONFIG_PATH=$PKG_CONFIG_PATH"
case "$cflags" in
    *"$prefix/"*) ;;
    *) fail "the installed sluice.pc is not relocatable: after 'cmake --install --prefix $prefix' pkg-config --cflags gives '$cflags' (prefix=$(pkg-config --variable=prefix sluice)); $pc should derive its prefix from \${pcfiledir}" ;;
esac

# Build the example out of tree, with nothing but the installed files.
run_cmd "$last" "$cmake" -S "$example" -B "$tmp/example-build" -DCMAKE_BUILD_TYPE=Release
expect_status 0 "configure the example plugin"
run_cmd "$last" "$cmake" --build "$tmp/example-build"
expect_status 0 "build the example plugin"
so=$tmp/example-build/counter_source.so
[ -f "$so" ] || fail "the example build made no $so"

installed=$prefix/bin/sluice
run_cmd "$last" "$installed" plugins --plugin-path "$so"
expect_status 0 "installed sluice plugins --plugin-path counter_source.so"
expect_match "$last.out" "^com\.example\.sluice\.CounterSourceConnector +source +1\.0\.0 +CounterSource.* $so\$" \
    "the example class is listed with its alias and library"

run_cmd "$last" "$installed" plugins describe CounterSource --plugin-path "$(dirname "$so")"
expect_status 0 "installed sluice plugins describe CounterSource"
expect_match "$last.out" '^interval\.ms +LONG +1000 ' "the example's config table is described"

# Without any plugin path, the installed binary loads its installed
# built-in plugins (not the build tree's).
run_cmd "$last" "$installed" plugins
expect_status 0 "installed sluice plugins"
expect_match "$last.out" "^org\.apache\.kafka\.connect\.json\.JsonConverter +converter .* $prefix/.*/sluice/plugins/[^ ]+\.so\$" \
    "the installed binary finds the built-in converters under its prefix"
expect_no_match "$last.out" "$build" "nothing is loaded from the build tree"
expect_no_match "$last.out" 'CounterSource' "the example is not loaded without a plugin path"

echo "example_plugin.sh: all checks passed"
