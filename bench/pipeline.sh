#!/usr/bin/env bash
# Worker pipeline benchmark: a file of 100-byte lines goes FileStreamSource
# -> embedded broker -> FileStreamSink through `sluice standalone`, once with
# JsonConverter schemas disabled and once with schemas enabled.
#
#   bench/pipeline.sh [MEGABYTES]        (default 1024: 10.7 M lines)
#
# Reports records/s and MB/s end to end next to the machine's `cat` copy of
# the same file, the worker's peak RSS (VmHWM) and its start-up time (exec to
# the "started" line, and to the embedded broker accepting connections), as
# Markdown for docs/BENCHMARKS.md. Everything it starts it stops by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-1024}
lines=$((megabytes * 1024 * 1024 / 100))

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
sluice=$PWD/build-bench/sluice

work=$(mktemp -d /tmp/sluice-pipeline-XXXXXX)
worker_pid=
cleanup() {
    [ -n "$worker_pid" ] && kill -9 "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
free_port() {
    /usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'
}

# 99 characters and a newline per line: a zero-padded line number.
seq -f '%099.0f' 1 "$lines" >"$work/in.txt"
bytes=$(stat -c %s "$work/in.txt")

# The machine's own limit: cat copying the (cached) file, best of three.
cat_best=0
for _ in 1 2 3; do
    t0=$(now_ms)
    cat "$work/in.txt" >"$work/copy.txt"
    sync "$work/copy.txt"
    t1=$(now_ms)
    rate=$((bytes / 1000 / (t1 - t0 > 0 ? t1 - t0 : 1)))
    [ "$rate" -gt "$cat_best" ] && cat_best=$rate
    rm -f "$work/copy.txt"
done

# run NAME SCHEMAS: one pipeline; prints a Markdown table row.
run() {
    # The directory is named after the schemas setting: a comma in it would
    # split log.dirs (a list) and the two runs would share the broker's data.
    local name=$1 schemas=$2 dir="$work/schemas-$2"
    mkdir -p "$dir"
    local port rest
    port=$(free_port)
    rest=$(free_port)
    cat >"$dir/worker.properties" <<EOF
bootstrap.servers=127.0.0.1:$port
listeners=http://127.0.0.1:$rest
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=$schemas
value.converter.schemas.enable=$schemas
offset.storage.file.filename=$dir/connect.offsets
offset.flush.interval.ms=10000
EOF
    cat >"$dir/source.properties" <<EOF
name=bench-source
connector.class=FileStreamSource
tasks.max=1
file=$work/in.txt
topic=bench
EOF
    cat >"$dir/sink.properties" <<EOF
name=bench-sink
connector.class=FileStreamSink
tasks.max=1
file=$dir/out.txt
topics=bench
EOF
    local t0 t_ready t_broker t_done
    # The previous run's gigabyte is still being written back; without this
    # the broker's first fsync waits for it and start-up measures the disk.
    sync
    t0=$(now_ms)
    "$sluice" standalone "$dir/worker.properties" "$dir/source.properties" \
        "$dir/sink.properties" 2>"$dir/worker.log" &
    worker_pid=$!
    t_broker=
    while :; do
        if [ -z "$t_broker" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            t_broker=$(now_ms)
        fi
        grep -q 'started in' "$dir/worker.log" 2>/dev/null && break
        kill -0 "$worker_pid" 2>/dev/null || { cat "$dir/worker.log" >&2; exit 1; }
        sleep 0.005
    done
    t_ready=$(now_ms)
    [ -z "$t_broker" ] && t_broker=$t_ready
    local startup_internal
    startup_internal=$(grep -oE 'started in [0-9]+ ms' "$dir/worker.log" | grep -oE '[0-9]+' | head -1)
    while [ "$(stat -c %s "$dir/out.txt" 2>/dev/null || echo 0)" -lt "$bytes" ]; do
        kill -0 "$worker_pid" 2>/dev/null || { cat "$dir/worker.log" >&2; exit 1; }
        sleep 0.05
    done
    t_done=$(now_ms)
    local hwm
    hwm=$(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$worker_pid/status")
    kill -TERM "$worker_pid"
    wait "$worker_pid" || true
    worker_pid=
    cmp -s "$work/in.txt" "$dir/out.txt" || { echo "output differs from input" >&2; exit 1; }
    local ms=$((t_done - t0))
    local rps=$((lines * 1000 / ms)) mbps=$((bytes / 1000 / ms))
    printf "| %s | %d | %d | %d MB/s | %s%% | %d MB | %d ms (%d ms in-process) |\n" \
        "$name" "$ms" "$rps" "$mbps" "$(awk -v a="$bytes" -v t="$ms" -v c="$cat_best" \
            'BEGIN{printf "%.1f", a / 1000 / t * 100 / c}')" "$hwm" \
        $((t_ready - t0)) "$startup_internal"
    rm -rf "$dir"
}

echo "### Worker pipeline: FileStreamSource -> embedded broker -> FileStreamSink"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%d GB", $2/1048576}' /proc/meminfo) RAM," \
    "$(uname -r); $(date -u +%Y-%m-%d)."
echo "Command: \`bench/pipeline.sh $megabytes\` — $lines lines of 100 bytes ($((bytes / 1000000)) MB)."
echo "\`cat\` copies the same file (page cache, then sync) at **$cat_best MB/s** (best of 3)."
echo
echo '| converters | total ms | records/s | MB/s | of cat | peak RSS | start-up to ready |'
echo '|---|---|---|---|---|---|---|'
run "JSON, schemas disabled" false
run "JSON, schemas enabled" true
