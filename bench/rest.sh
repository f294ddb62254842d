#!/usr/bin/env bash
# REST load check (issue 5): wrk against GET /connectors?expand=status on a
# `sluice standalone` worker holding 100 connectors (FileStreamSource on empty
# files, created through the REST API).
#
#   bench/rest.sh [CONNECTIONS] [SECONDS]      (default 64 connections, 10 s)
#
# Reports requests/s, p50/p99 latency and the worker's peak RSS (VmHWM) as
# Markdown for docs/BENCHMARKS.md, and fails (exit 1) when wrk saw a non-2xx
# answer or a socket error. SLUICE_BENCH_BUILD overrides the release build
# directory (default build-bench, as bench/pipeline.sh). Everything it starts
# it stops by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-64}
seconds=${2:-10}
connectors=100
build=${SLUICE_BENCH_BUILD:-build-bench}

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
sluice=$(cd "$build" && pwd)/sluice

work=$(mktemp -d /tmp/sluice-rest-bench-XXXXXX)
worker_pid=
# On any exit the worker (if still up) is killed by its PID and the files go.
trap '{ [ -z "$worker_pid" ] || kill -KILL "$worker_pid"; } 2>/dev/null; rm -rf "$work"' EXIT

die() {
    echo "rest.sh: $*" >&2
    tail -20 "$work/worker.log" >&2 || true
    exit 1
}

# Two distinct free ports, held together while the kernel picks them.
read -r port rest < <(/usr/bin/python3 -c '
import socket
held = [socket.socket() for _ in range(2)]
for s in held:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in held))')
base=http://127.0.0.1:$rest
cat >"$work/worker.properties" <<EOF
bootstrap.servers=127.0.0.1:$port
listeners=$base
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
offset.storage.file.filename=$work/connect.offsets
offset.flush.interval.ms=10000
EOF
"$sluice" standalone "$work/worker.properties" 2>"$work/worker.log" &
worker_pid=$!
for _ in $(seq 600); do
    grep -q 'started in' "$work/worker.log" 2>/dev/null && break
    kill -0 "$worker_pid" 2>/dev/null || die "the worker exited"
    sleep 0.05
done
grep -q 'started in' "$work/worker.log" || die "the worker did not start within 30 s"

for i in $(seq 0 $((connectors - 1))); do
    : >"$work/in-$i.txt"
    code=$(curl -sS -o "$work/create.out" -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' "$base/connectors" \
        --data "{\"name\":\"bench-$i\",\"config\":{\"connector.class\":\"FileStreamSource\",\
\"file\":\"$work/in-$i.txt\",\"topic\":\"bench\"}}")
    [ "$code" = 201 ] || die "POST bench-$i answered $code: $(cat "$work/create.out")"
done

# Measure only once every connector and task is RUNNING.
running=0
for _ in $(seq 600); do
    running=$(curl -sS "$base/connectors?expand=status" |
        jq '[.[] | .status | select(.connector.state == "RUNNING"
              and (.tasks | length) == 1 and .tasks[0].state == "RUNNING")] | length')
    [ "$running" = "$connectors" ] && break
    sleep 0.05
done
[ "$running" = "$connectors" ] || die "only $running of $connectors connectors are RUNNING"
body_bytes=$(curl -sS -o /dev/null -w '%{size_download}' "$base/connectors?expand=status")

wrk -t2 -c"$connections" -d"${seconds}s" --latency "$base/connectors?expand=status" \
    >"$work/wrk.out" 2>&1 || die "wrk failed: $(cat "$work/wrk.out")"
kill -0 "$worker_pid" 2>/dev/null || die "the worker died under load"
hwm=$(awk '/VmHWM/{print int($2 / 1024)}' "/proc/$worker_pid/status")
kill -TERM "$worker_pid"
rc=0
wait "$worker_pid" || rc=$?
worker_pid=
[ "$rc" = 0 ] || die "the worker exited with status $rc after SIGTERM"

rps=$(awk '/^Requests\/sec:/{print int($2)}' "$work/wrk.out")
total=$(awk '/requests in/{print $1}' "$work/wrk.out")
p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$work/wrk.out")
sockerr=$(grep -E '^ +Socket errors:' "$work/wrk.out" | sed 's/^ *Socket errors: *//' || true)

echo "### REST API: GET /connectors?expand=status with $connectors connectors"
echo
cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
mem_gb=$(awk '/MemTotal/{print int($2 / 1048576)}' /proc/meminfo)
echo "Machine: $(nproc) × ${cpu:-unknown CPU}, $mem_gb GB RAM, Linux $(uname -r); $(date -u +%Y-%m-%d)."
echo "Command: \`bench/rest.sh $connections $seconds\` — \`wrk -t2 -c$connections" \
    "-d${seconds}s --latency\` against a RelWithDebInfo \`sluice standalone\` holding" \
    "$connectors FileStreamSource connectors on empty files (a $body_bytes-byte answer)."
echo
echo '| requests/s | p50 | p99 | requests | non-2xx | socket errors | worker peak RSS |'
echo '|---|---|---|---|---|---|---|'
echo "| $rps | $p50 | $p99 | $total | ${non2xx:-0} | ${sockerr:-none} | $hwm MB |"

if [ -n "$non2xx" ] || [ -n "$sockerr" ]; then
    echo >&2
    cat "$work/wrk.out" >&2
    die "wrk saw errors"
fi
