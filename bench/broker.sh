#!/usr/bin/env bash
# Broker benchmark: produce and consume speed, large-record throughput next
# to dd, produce latency at a fixed rate, and the broker's peak memory.
#
#   bench/broker.sh [RECORDS]        (default 5000000 records of 100 bytes)
#
# Builds a release binary in build-bench/, starts `sluice broker` on a free
# 127.0.0.1 port with its data in a temp directory, drives it with
# `sluice perf produce|consume` (librdkafka) and kcat, and prints a Markdown
# report for docs/BENCHMARKS.md. Everything it starts it stops by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-5000000}

cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
sluice=build-bench/sluice

work=$(mktemp -d /tmp/sluice-bench-XXXXXX)
broker_pid=
cleanup() {
    [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
bs=127.0.0.1:$port
"$sluice" broker --override "listeners=PLAINTEXT://$bs" --override "log.dirs=$work/data" \
    --override num.partitions=1 --override group.initial.rebalance.delay.ms=0 \
    >"$work/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.05
done

# The final line of kafka-producer-perf-test:
# "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, P50 ms 50th, ..."
produce() {
    "$sluice" perf produce --bootstrap-server "$bs" "$@" | tail -1
}
field() { # field LINE N: the Nth comma-separated part's first number, rounded
    printf '%.0f' "$(echo "$1" | awk -F', ' -v n="$2" '{print $n}' | grep -oE '[0-9.]+' | head -1)"
}
mbs() { # the "(X MB/sec)" of a perf produce line, as "X MB/s"
    echo "$1" | grep -oE '\([0-9.]+ MB/sec\)' | grep -oE '[0-9.]+' | awk '{printf "%.0f MB/s", $1}'
}
dd_best() { # the best of three dd runs, in MB/s
    local best=0 r
    for _ in 1 2 3; do
        r=$(dd if=/dev/zero of="$work/dd.bin" bs=1M count=2048 "$@" 2>&1 |
            awk '/copied/{n = split($0, p, ", "); split(p[n - 1], t, " ");
                          printf "%d", $1 / t[1] / 1000000}')
        rm -f "$work/dd.bin"
        [ "$r" -gt "$best" ] && best=$r
    done
    echo "$best"
}

echo "## Broker benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/{printf "%d GiB", $2/1048576}' /proc/meminfo))"
echo
echo "Command: \`bench/broker.sh $records\`; broker and clients on 127.0.0.1, release build."
echo

# Machine references, measured in this run on the same file system.
dd_cache=$(dd_best)
dd_sync=$(dd_best conv=fdatasync)
echo "| Reference (best of 3) | Result |"
echo "|---|---|"
echo "| \`dd if=/dev/zero bs=1M count=2048\` to the page cache | $dd_cache MB/s |"
echo "| the same with \`conv=fdatasync\` (to disk) | $dd_sync MB/s |"
echo

"$sluice" topics --bootstrap-server "$bs" --create --topic small --partitions 1 >/dev/null
line=$(produce --topic small --num-records "$records" --record-size 100 --throughput -1 \
    --producer-props acks=1 linger.ms=5 batch.size=1000000)
echo "| Test | Result |"
echo "|---|---|"
echo "| produce $records × 100 B, acks=1, linger.ms=5 (\`sluice perf produce\`) | $(field "$line" 2) records/s ($(mbs "$line")) |"

cline=$("$sluice" perf consume --bootstrap-server "$bs" --topic small --messages "$records" \
    --hide-header | tail -1)
echo "| consume $records × 100 B (\`sluice perf consume\`: fetch.nMsg.sec; overall incl. group join) | $(field "$cline" 10) records/s ($(field "$cline" 9) MB/s); overall $(field "$cline" 6) records/s |"

start=$(date +%s.%N)
n=$(kcat -b "$bs" -C -t small -e -q -o beginning -f '\n' | wc -l)
end=$(date +%s.%N)
echo "| consume $n × 100 B (\`kcat -C -e -f '\\\\n'\`) | $(echo "$n / ($end - $start)" | bc) records/s |"

big=$((2 * 1024 * 1024 * 1024 / 102400))
"$sluice" topics --bootstrap-server "$bs" --create --topic big --partitions 1 >/dev/null
line=$(produce --topic big --num-records "$big" --record-size 102400 --throughput -1 \
    --producer-props acks=1 linger.ms=5 batch.size=1000000 message.max.bytes=1000000)
echo "| produce $big × 100 KB, acks=1 | $(mbs "$line") ($(( $(mbs "$line" | grep -oE '^[0-9]+') * 100 / dd_cache ))% of dd to the page cache) |"

"$sluice" topics --bootstrap-server "$bs" --create --topic paced --partitions 1 >/dev/null
line=$(produce --topic paced --num-records 500000 --record-size 100 --throughput 50000 \
    --producer-props acks=1 linger.ms=0)
echo "| latency at 50 000 records/s, acks=1, linger.ms=0 | p50 $(field "$line" 5) ms, p99 $(field "$line" 7) ms, max $(field "$line" 4) ms |"

rss=$(awk '/VmHWM/{print $2, $3}' /proc/$broker_pid/status)
echo "| broker peak RSS (VmHWM) over the whole run | $rss |"
