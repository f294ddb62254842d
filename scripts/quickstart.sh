#!/usr/bin/env bash
# The README's first command: install what is needed, build, and run the main
# job: Kafka's standalone file pipeline (examples/standalone/, Kafka's sample
# files) on the embedded broker, in a working directory of its own.
#
#   scripts/quickstart.sh [WORKDIR]      (default: ./quickstart-run)
#
# The worker runs in the foreground until Ctrl-C. While it runs, lines
# appended to WORKDIR/test.txt appear in WORKDIR/test.sink.txt, and
# `kcat -C -b localhost:9092 -t connect-test` shows them as Kafka would.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)"

work=${1:-$root/quickstart-run}
mkdir -p "$work"
cp examples/standalone/*.properties "$work/"
# The offsets (and the broker's data beside them) stay in the working directory.
sed -i "s#^offset.storage.file.filename=.*#offset.storage.file.filename=$work/connect.offsets#" \
    "$work/connect-standalone.properties"
[ -e "$work/test.txt" ] || printf 'hello\nworld\n' >"$work/test.txt"
cd "$work"
echo "Running Kafka's file pipeline in $work (Ctrl-C stops it):"
echo "  echo more >> $work/test.txt; cat $work/test.sink.txt"
echo "  curl localhost:8083/connectors?expand=status   # the REST API"
exec "$root/build/sluice" standalone connect-standalone.properties \
    connect-file-source.properties connect-file-sink.properties
