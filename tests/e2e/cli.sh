#!/usr/bin/env bash
# The sluice command line, run for real: versions, listing and describing
# plugin classes, and the exit statuses of mistakes (2 for bad usage, 1 for
# an unknown class).
#
# Usage: cli.sh SLUICE GOOD_PLUGIN_SO BAD_ABI_PLUGIN_SO
set -eu

sluice=$1
good=$2
bad_abi=$3
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d /tmp/sluice-cli-e2e.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
last=$tmp/run

# --version names the release and the plugin ABI.
run_cmd "$last" "$sluice" --version
expect_status 0 "sluice --version"
expect_match "$last.out" '^sluice [0-9]+\.[0-9]+\.[0-9]+' "--version prints the release"
expect_match "$last.out" 'ABI version 1$' "--version prints the ABI version"

# --help lists the working commands as working and the planned ones as not.
run_cmd "$last" "$sluice" --help
expect_status 0 "sluice --help"
expect_match "$last.out" '^  plugins ' "--help lists plugins"
expect_match "$last.out" '^  broker ' "--help lists broker"
expect_no_match "$last.out" '^  distributed ' "--help lists no planned command as working"
expect_match "$last.out" '^  standalone ' "--help lists standalone"
expect_match "$last.out" 'not implemented yet:.*distributed' "--help names the planned commands"

# The built-in converters are found with no plugin path, with their aliases.
run_cmd "$last" "$sluice" plugins
expect_status 0 "sluice plugins"
expect_match "$last.out" '^CLASS +TYPE +VERSION +ALIASES +LIBRARY$' "plugins prints a table header"
expect_match "$last.out" '^org\.apache\.kafka\.connect\.json\.JsonConverter +converter +[^ ]+ +.*JsonConverter.* /.*\.so$' \
    "plugins lists JsonConverter with its alias and library"
expect_no_match "$last.out" 'org\.sluice\.test\.' "no test plugin without --plugin-path"

# --type filters by Kafka's type name.
run_cmd "$last" "$sluice" plugins --type converter
expect_status 0 "sluice plugins --type converter"
expect_match "$last.out" 'JsonConverter' "--type converter keeps converters"
expect_no_match "$last.out" 'ConfigProvider +config_provider' "--type converter drops config providers"

# describe prints the config table, from the same table the runtime checks.
run_cmd "$last" "$sluice" plugins describe JsonConverter
expect_status 0 "sluice plugins describe JsonConverter"
expect_match "$last.out" '^org\.apache\.kafka\.connect\.json\.JsonConverter$' "describe names the class"
expect_match "$last.out" '^schemas\.enable +BOOLEAN +true ' "describe prints schemas.enable, BOOLEAN, default true"
expect_match "$last.out" '^NAME +TYPE +DEFAULT +VALID VALUES +IMPORTANCE +DOC$' "describe prints the table header"

# --plugin-path adds to the built-ins; both forms of the option work.
run_cmd "$last" "$sluice" plugins --plugin-path "$good"
expect_status 0 "sluice plugins --plugin-path good_plugin.so"
expect_match "$last.out" '^org\.sluice\.test\.Uppercase +transformation +1\.2\.3 +Upper, UppercaseValue, Uppercase +.*/good_plugin\.so$' \
    "the test plugin's transform is listed with its aliases"
expect_match "$last.out" 'JsonConverter' "built-ins stay listed with --plugin-path"
run_cmd "$last" "$sluice" plugins describe CountingSource "--plugin-path=$good"
expect_status 0 "describe by the short name Kafka accepts"
expect_match "$last.out" '^topic \* +STRING +\(required\) ' "a required key is marked"
expect_match "$last.out" '^count +INT +3 +\[0,\.\.\.\] +MEDIUM ' "a default, range and importance are printed"

# A refused library is reported with its file and reason, and fails the listing.
run_cmd "$last" "$sluice" plugins --plugin-path "$bad_abi"
expect_status 1 "listing with a refused library"
expect_match "$last.err" 'bad_abi_plugin\.so: built for ABI version 2, this sluice supports 1' \
    "the refusal names the file and the reason"
expect_match "$last.out" 'JsonConverter' "the other libraries are still listed"

# Mistakes on the command line: usage on stderr, status 2.
for args in "plugins --frobnicate" "plugins describe" "plugins describe A B" "plugins frob" \
            "no-such-command" "--no-such-option" "plugins --plugin-path" "plugins --type nope"; do
    # shellcheck disable=SC2086
    run_cmd "$last" "$sluice" $args
    expect_status 2 "sluice $args"
    expect_match "$last.err" '^Usage: sluice' "sluice $args prints usage to stderr"
    if [ -s "$last.out" ]; then fail "sluice $args wrote to stdout"; fi
done
run_cmd "$last" "$sluice"
expect_status 2 "sluice without arguments"

# An unknown class: status 1 and close names suggested.
run_cmd "$last" "$sluice" plugins describe JsonConvertr
expect_status 1 "describe an unknown class"
expect_match "$last.err" "no plugin class named 'JsonConvertr'" "the unknown name is quoted"
expect_match "$last.err" 'did you mean.*JsonConverter|^    .*JsonConverter$' "a close name is suggested"

# sluice standalone without a worker file is a usage error.
run_cmd "$last" "$sluice" standalone
expect_status 2 "sluice standalone without arguments"
expect_match "$last.err" 'Usage: sluice standalone WORKER.properties' "sluice standalone prints its usage"

# Planned commands say so.
for command in distributed; do
    run_cmd "$last" "$sluice" "$command"
    expect_status 1 "sluice $command"
    expect_match "$last.err" 'not implemented yet' "sluice $command says it is not implemented"
done

# sluice broker refuses bad arguments and a bad config before binding anything.
run_cmd "$last" "$sluice" broker --bogus
expect_status 2 "sluice broker --bogus"
expect_match "$last.err" "unexpected argument '--bogus'" "sluice broker names the bad argument"
run_cmd "$last" "$sluice" broker --override listeners=SSL://127.0.0.1:1
expect_status 1 "sluice broker with an SSL listener"
expect_match "$last.err" 'only PLAINTEXT listeners are supported' "the listener problem is named"
run_cmd "$last" "$sluice" broker /nonexistent/server.properties
expect_status 1 "sluice broker with a missing file"
expect_match "$last.err" '/nonexistent/server.properties' "the missing file is named"

echo "cli.sh: all checks passed"
