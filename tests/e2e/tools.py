#!/usr/bin/python3
"""End-to-end tests of Sluice's Kafka command-line tools (sluice topics,
console-producer, console-consumer, consumer-groups, perf produce and perf
consume) against a broker this script starts.

Usage: tools.py /path/to/sluice

The broker listens on 127.0.0.1 on a free port, keeps its data in its own
temp directory and is stopped by PID. Each check prints a line; the script
exits non-zero on the first failure, with what was expected and what the
tool printed.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SLUICE = os.path.abspath(sys.argv[1])
passed = 0

# The broker and its plumbing are broker_clients.py's (same sys.argv).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from broker_clients import Broker, free_port, wait_until  # noqa: E402


def check(cond, what, detail=None):
    global passed
    if not cond:
        print(f"FAIL: {what}", flush=True)
        if detail is not None:
            print(detail, flush=True)
        sys.exit(1)
    passed += 1
    print(f"ok: {what}", flush=True)


class Run:
    def __init__(self, proc, out, err):
        self.rc = proc.returncode
        self.out = out.decode(errors="replace")
        self.err = err.decode(errors="replace")

    def __str__(self):
        return f"exit {self.rc}\n--- stdout:\n{self.out[-3000:]}\n--- stderr:\n{self.err[-3000:]}"


def sluice(*args, input=None, timeout=120):
    p = subprocess.Popen([SLUICE, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err = p.communicate(input=input, timeout=timeout)
    return Run(p, out, err)


def test_bad_arguments(bs):
    cases = [
        (["topics"], "no action"),
        (["topics", "--bootstrap-server", bs, "--list", "--create"], "two actions"),
        (["topics", "--bootstrap-server", bs, "--create"], "--create without --topic"),
        (["topics", "--bootstrap-server", bs, "--list", "--partitions", "3"],
         "--partitions with --list"),
        (["topics", "--bootstrap-server", bs, "--create", "--topic", "x", "--partitions", "zero"],
         "a non-numeric --partitions"),
        (["topics", "--bootstrap-server", bs, "--list", "--nope"], "an unknown option"),
        (["perf"], "perf without a mode"),
        (["perf", "bogus"], "an unknown perf mode"),
        (["perf", "produce", "--topic", "t"], "perf produce without --num-records"),
        (["perf", "produce", "--topic", "t", "--num-records", "abc", "--record-size", "10",
          "--throughput", "-1", "--bootstrap-server", bs], "a non-numeric --num-records"),
        (["perf", "produce", "--topic", "t", "--num-records", "10", "--record-size", "10",
          "--payload-monotonic", "--throughput", "-1", "--bootstrap-server", bs],
         "two payload options"),
        (["perf", "produce", "--topic", "t", "--num-records", "10", "--record-size", "10",
          "--throughput", "-1", "--producer-props", "acks"], "a producer prop without '='"),
        (["perf", "produce", "--topic", "t", "--num-records", "10", "--record-size", "10",
          "--throughput", "-1"], "perf produce without bootstrap servers"),
        (["perf", "consume", "--bootstrap-server", bs, "--topic", "t"],
         "perf consume without --messages"),
        (["console-consumer", "--bootstrap-server", bs], "console-consumer without a topic"),
        (["console-consumer", "--bootstrap-server", bs, "--topic", "t", "--offset", "5"],
         "--offset without --partition"),
        (["console-consumer", "--bootstrap-server", bs, "--topic", "t", "--partition", "0",
          "--offset", "-3"], "a negative --offset"),
        (["console-consumer", "--bootstrap-server", bs, "--topic", "t", "--partition", "0",
          "--group", "g"], "--group with --partition"),
        (["console-producer", "--bootstrap-server", bs], "console-producer without a topic"),
        (["consumer-groups", "--bootstrap-server", bs, "--describe"],
         "consumer-groups --describe without a group"),
        (["consumer-groups", "--bootstrap-server", bs], "consumer-groups without an action"),
    ]
    for args, what in cases:
        r = sluice(*args)
        check(r.rc == 2 and "Usage:" in r.err, f"bad arguments exit 2 with the usage: {what}", r)
    r = sluice("perf", "produce", "--topic", "t", "--num-records", "abc", "--record-size", "10",
               "--throughput", "-1", "--bootstrap-server", bs)
    check("--num-records" in r.err and "'abc'" in r.err,
          "a bad number names the option and the text given", r)
    for tool in (["topics"], ["perf", "produce"], ["perf", "consume"], ["console-producer"],
                 ["console-consumer"], ["consumer-groups"]):
        r = sluice(*tool, "--help")
        check(r.rc == 0 and r.out.startswith("Usage: sluice " + " ".join(tool)),
              f"sluice {' '.join(tool)} --help prints its usage", r)


def test_errors_name_the_cause(b, workdir):
    # An unreachable cluster: the error names the address and the broker's error.
    dead = free_port()
    cfg = os.path.join(workdir, "admin.properties")
    with open(cfg, "w") as f:
        f.write("default.api.timeout.ms=1500\n")
    r = sluice("topics", "--bootstrap-server", f"127.0.0.1:{dead}", "--command-config", cfg,
               "--list")
    check(r.rc == 1 and f"127.0.0.1:{dead}" in r.err and "Connection refused" in r.err,
          "an unreachable cluster is an error naming the address and the cause", r)
    # A bad client property names the property, its value and where it came from.
    r = sluice("perf", "produce", "--topic", "t", "--num-records", "10", "--record-size", "10",
               "--throughput", "-1", "--bootstrap-server", b.bootstrap,
               "--producer-props", "linger.ms=soon")
    check(r.rc == 1 and "linger.ms=soon" in r.err and "--producer-props" in r.err,
          "a bad producer property is named with its origin", r)
    r = sluice("console-consumer", "--bootstrap-server", b.bootstrap, "--topic", "t",
               "--consumer.config", os.path.join(workdir, "missing.properties"))
    check(r.rc == 1 and "missing.properties" in r.err,
          "a missing config file is named", r)


def test_topics(b):
    bs = b.bootstrap
    r = sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "orders",
               "--partitions", "3", "--replication-factor", "1",
               "--config", "retention.ms=3600000", "--config", "cleanup.policy=compact")
    check(r.rc == 0 and r.out == "Created topic orders.\n", "topics --create prints Kafka's line", r)
    r = sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "plain")
    check(r.rc == 0, "topics --create without --partitions uses the broker's default", r)
    r = sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "orders")
    check(r.rc == 1 and "Error while executing topic command" in r.err and "orders" in r.err
          and "already exists" in r.err, "creating an existing topic fails and says why", r)
    r = sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "orders",
               "--if-not-exists")
    check(r.rc == 0, "--if-not-exists accepts an existing topic", r)
    r = sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "rf3",
               "--replication-factor", "3")
    check(r.rc == 1 and "INVALID_REPLICATION_FACTOR" in r.err,
          "replication factor 3 on one broker is refused as Kafka refuses it", r)

    r = sluice("topics", "--bootstrap-server", bs, "--list")
    names = r.out.split()
    check(r.rc == 0 and "orders" in names and "plain" in names and names == sorted(names),
          "topics --list lists the topics, sorted", r)
    r = sluice("topics", "--bootstrap-server", bs, "--list", "--exclude-internal")
    check("__consumer_offsets" not in r.out.split(), "--exclude-internal hides internal topics", r)
    r = sluice("topics", "--bootstrap-server", bs, "--list", "--topic", "ord.*")
    check(r.out.split() == ["orders"], "--topic takes a regular expression", r)

    r = sluice("topics", "--bootstrap-server", bs, "--describe", "--topic", "orders")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 4, "topics --describe prints a topic line and 3 partitions", r)
    m = re.fullmatch(r"Topic: orders\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: (.*)",
                     lines[0])
    check(m is not None, "the topic line has Kafka's layout", r)
    configs = dict(kv.split("=", 1) for kv in m.group(1).split(",") if kv)
    check(configs.get("retention.ms") == "3600000" and configs.get("cleanup.policy") == "compact",
          "the topic line shows the configs given at creation", r)
    for p in range(3):
        check(lines[1 + p] == f"\tTopic: orders\tPartition: {p}\tLeader: 0\tReplicas: 0\tIsr: 0",
              f"partition {p}'s line has Kafka's layout", r)
    r = sluice("topics", "--bootstrap-server", bs, "--describe", "--topic", "nosuch")
    check(r.rc == 1 and "Topic 'nosuch' does not exist as expected" in r.err,
          "describing a missing topic fails as Kafka does", r)
    r = sluice("topics", "--bootstrap-server", bs, "--describe", "--topic", "nosuch",
               "--if-exists")
    check(r.rc == 0 and r.out == "", "--if-exists makes a missing topic no error", r)

    r = sluice("topics", "--bootstrap-server", bs, "--alter", "--topic", "orders",
               "--partitions", "5")
    check(r.rc == 0, "topics --alter adds partitions", r)
    r = sluice("topics", "--bootstrap-server", bs, "--describe", "--topic", "orders")
    check("PartitionCount: 5" in r.out and "\tPartition: 4\t" in r.out,
          "the topic has 5 partitions after --alter", r)
    r = sluice("topics", "--bootstrap-server", bs, "--alter", "--topic", "orders",
               "--partitions", "2")
    check(r.rc == 1 and "INVALID_PARTITIONS" in r.err,
          "reducing the partition count is refused with the broker's reason", r)

    r = sluice("topics", "--bootstrap-server", bs, "--delete", "--topic", "plain")
    check(r.rc == 0, "topics --delete deletes", r)

    def gone():
        return "plain" not in sluice("topics", "--bootstrap-server", bs, "--list").out.split()
    wait_until(gone, 10, "the deleted topic to disappear")
    check(True, "the deleted topic is no longer listed")
    r = sluice("topics", "--bootstrap-server", bs, "--delete", "--topic", "plain")
    check(r.rc == 1 and "does not exist" in r.err, "deleting a missing topic fails", r)


def test_console_round_trip(b):
    bs = b.bootstrap
    sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "keyed", "--partitions", "1")
    lines = [f"key{i}:value {i}: with a colon" for i in range(50)] + ["null:no key"]
    r = sluice("console-producer", "--bootstrap-server", bs, "--topic", "keyed",
               "--property", "parse.key=true", "--property", "key.separator=:",
               "--property", "null.marker=null",
               input=("\n".join(lines) + "\n").encode())
    check(r.rc == 0, "console-producer sends keyed lines and exits 0", r)
    r = sluice("console-consumer", "--bootstrap-server", bs, "--topic", "keyed",
               "--from-beginning", "--max-messages", "51",
               "--property", "print.key=true", "--property", "key.separator=:")
    check(r.rc == 0 and r.out.splitlines() == lines,
          "console-consumer prints the keys and values in order (a null key as 'null')", r)
    check("Processed a total of 51 messages" in r.err,
          "console-consumer reports the count on stderr as Kafka does", r)
    r = sluice("console-consumer", "--bootstrap-server", bs, "--topic", "keyed",
               "--partition", "0", "--offset", "48", "--timeout-ms", "3000",
               "--property", "print.offset=true", "--property", "print.partition=true")
    check(r.out.splitlines() == ["Partition:0\tOffset:48\tvalue 48: with a colon",
                                 "Partition:0\tOffset:49\tvalue 49: with a colon",
                                 "Partition:0\tOffset:50\tno key"] and r.rc == 0,
          "--partition and --offset start at the offset; --timeout-ms ends the run", r)
    r = sluice("console-producer", "--bootstrap-server", bs, "--topic", "keyed",
               "--property", "parse.key=true", input=b"no separator here\n")
    check(r.rc == 1 and "No key separator found on line number 1" in r.err,
          "a line without the key separator is an error naming the line", r)
    r = sluice("console-producer", "--bootstrap-server", bs, "--topic", "headers",
               "--property", "parse.headers=true", "--property", "parse.key=true",
               input=b"h1:a,h2:b\tk\tv\n")
    r = sluice("console-consumer", "--bootstrap-server", bs, "--topic", "headers",
               "--from-beginning", "--max-messages", "1", "--property", "print.headers=true",
               "--property", "print.key=true")
    check(r.out == "h1:a,h2:b\tk\tv\n", "headers survive the round trip", r)


def parse_perf_total(out):
    pattern = (r"(\d+) records sent, ([\d.]+) records/sec \(([\d.]+) MB/sec\), ([\d.]+) ms avg "
               r"latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, "
               r"(\d+) ms 99\.9th\.")
    last = out.splitlines()[-1] if out.splitlines() else ""
    return re.fullmatch(pattern, last)


def test_perf(b):
    bs = b.bootstrap
    sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "perf", "--partitions", "2")
    r = sluice("perf", "produce", "--topic", "perf", "--num-records", "200000", "--record-size",
               "100", "--throughput", "-1", "--producer-props", f"bootstrap.servers={bs}",
               "acks=1", "linger.ms=5", "batch.size=262144")
    m = parse_perf_total(r.out)
    check(r.rc == 0 and m is not None, "perf produce ends with Kafka's summary line", r)
    check(int(m.group(1)) == 200000, "perf produce sent 200000 records", r)
    rate, mb = float(m.group(2)), float(m.group(3))
    check(rate > 0 and abs(mb - rate * 100 / 1048576) < 0.01 + mb * 0.001,
          "records/sec and MB/sec agree for 100-byte records", r)
    p50, p95, p99, p999 = (int(m.group(i)) for i in range(6, 10))
    check(p50 <= p95 <= p99 <= p999 <= float(m.group(5)) + 1,
          "the latency percentiles are ordered and bounded by the maximum", r)

    # Throttled: Kafka's ThroughputThrottler keeps the rate near the target,
    # and a run past 5 s prints a window line.
    r = sluice("perf", "produce", "--topic", "perf-slow", "--num-records", "60000",
               "--record-size", "50", "--throughput", "10000", "--bootstrap-server", bs)
    m = parse_perf_total(r.out)
    check(r.rc == 0 and m is not None, "a throttled perf produce completes", r)
    check(5000 <= float(m.group(2)) <= 10500,
          f"--throughput 10000 holds the rate near 10000/s ({m.group(2)})", r)
    window = re.compile(r"\d+ records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg "
                        r"latency, [\d.]+ ms max latency\.")
    check(any(window.fullmatch(line) for line in r.out.splitlines()[:-1]),
          "perf produce prints Kafka's 5-second window line", r)

    r = sluice("perf", "produce", "--topic", "perf-mono", "--num-records", "100",
               "--payload-monotonic", "--throughput", "-1", "--bootstrap-server", bs)
    check(r.rc == 0, "perf produce --payload-monotonic", r)
    r = sluice("console-consumer", "--bootstrap-server", bs, "--topic", "perf-mono",
               "--from-beginning", "--max-messages", "100")
    check(sorted(int(x) for x in r.out.split()) == list(range(100)),
          "--payload-monotonic payloads are 0..99", r)

    r = sluice("perf", "consume", "--bootstrap-server", bs, "--topic", "perf",
               "--messages", "200000", "--group", "perf-reader")
    lines = r.out.splitlines()
    check(r.rc == 0 and len(lines) == 2 and lines[0] ==
          "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
          "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
          "perf consume prints Kafka's header and one line of values", r)
    fields = lines[1].split(", ")
    check(len(fields) == 10 and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}", fields[0]),
          "the values line has 10 fields and Kafka's date format", r)
    check(fields[2] == "19.0735" and fields[4] == "200000",
          "perf consume read 200000 messages, 19.0735 MB", r)
    r = sluice("perf", "consume", "--bootstrap-server", bs, "--topic", "perf",
               "--messages", "200001", "--timeout", "1500", "--hide-header")
    check(r.rc == 1 and "WARNING: Exiting before consuming the expected number of messages"
          in r.out and "start.time" not in r.out,
          "perf consume short of --messages warns as Kafka does and exits 1", r)


def describe_rows(out):
    rows = []
    for line in out.splitlines():
        cols = line.split()
        if cols and cols[0] != "GROUP" and len(cols) >= 9:
            rows.append(cols)
    return rows


def test_consumer_groups(b):
    bs = b.bootstrap
    sluice("topics", "--bootstrap-server", bs, "--create", "--topic", "lagged",
           "--partitions", "1")
    r = sluice("console-producer", "--bootstrap-server", bs, "--topic", "lagged",
               input=("\n".join(f"m{i}" for i in range(100)) + "\n").encode())
    check(r.rc == 0, "100 messages produced for the lag test", r)
    r = sluice("console-consumer", "--bootstrap-server", bs, "--topic", "lagged", "--group",
               "partial", "--from-beginning", "--max-messages", "40")
    check(r.rc == 0 and r.out.split() == [f"m{i}" for i in range(40)],
          "a group member consumed the first 40 messages", r)

    r = sluice("consumer-groups", "--bootstrap-server", bs, "--list")
    check(r.rc == 0 and "partial" in r.out.split() and "perf-reader" in r.out.split(),
          "consumer-groups --list lists the groups", r)
    r = sluice("consumer-groups", "--bootstrap-server", bs, "--describe", "--group", "partial")
    check(r.rc == 0 and re.search(r"^GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG "
                                  r"+CONSUMER-ID +HOST +CLIENT-ID$", r.out, re.M),
          "consumer-groups --describe prints Kafka's columns", r)
    rows = describe_rows(r.out)
    check(rows == [["partial", "lagged", "0", "40", "100", "60", "-", "-", "-"]],
          "the group is 40 messages in, 60 behind the log end", r)
    check("Consumer group 'partial' has no active members." in r.err,
          "an empty group is reported as Kafka reports it", r)

    # A running member shows up with its consumer id; SIGTERM stops it cleanly.
    member = subprocess.Popen([SLUICE, "console-consumer", "--bootstrap-server", bs, "--topic",
                               "lagged", "--group", "partial"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = {}

    def joined():
        r = sluice("consumer-groups", "--bootstrap-server", bs, "--describe", "--group",
                   "partial")
        rows = describe_rows(r.out)
        seen["rows"] = rows
        return rows and rows[0][6].startswith("console-consumer")
    wait_until(joined, 30, "the running console-consumer to join the group")
    check(seen["rows"][0][8] == "console-consumer",
          "a running member's consumer id and client id are shown", seen["rows"])
    r = sluice("consumer-groups", "--bootstrap-server", bs, "--describe", "--group", "partial",
               "--state")
    check(re.search(r"^partial +127\.0\.0\.1:\d+  \(0\) +\S+ +Stable +1$", r.out, re.M),
          "--state shows the coordinator, assignor, state and member count", r)
    member.send_signal(signal.SIGTERM)
    out, err = member.communicate(timeout=30)
    check(member.returncode == 0 and b"Processed a total of 60 messages" in err,
          "console-consumer stops on SIGTERM after reading the 60 remaining messages",
          err.decode(errors="replace"))
    r = sluice("consumer-groups", "--bootstrap-server", bs, "--describe", "--group", "partial")
    check(describe_rows(r.out) == [["partial", "lagged", "0", "100", "100", "0", "-", "-", "-"]],
          "the stopped member committed its position: no lag left", r)
    r = sluice("consumer-groups", "--bootstrap-server", bs, "--describe", "--group", "nobody")
    check(r.rc == 1 and "Consumer group 'nobody' does not exist." in r.err,
          "describing a group that does not exist fails as Kafka reports it", r)


def test_describe_shows_only_overrides(b):
    # Kafka prints only the configs that are not defaults: the broker must
    # report each config's source (DescribeConfigs config_source 5 =
    # DEFAULT_CONFIG) for this to hold.
    r = sluice("topics", "--bootstrap-server", b.bootstrap, "--describe", "--topic", "orders")
    first = r.out.splitlines()[0] if r.out else ""
    check(first.endswith("\tConfigs: cleanup.policy=compact,retention.ms=3600000") or
          first.endswith("\tConfigs: retention.ms=3600000,cleanup.policy=compact"),
          "topics --describe lists only the overridden configs", r)


def main():
    base = tempfile.mkdtemp(prefix="sluice-tools-e2e-")
    b = None
    try:
        b = Broker(base)
        b.start()
        test_bad_arguments(b.bootstrap)
        test_errors_name_the_cause(b, base)
        test_topics(b)
        test_console_round_trip(b)
        test_perf(b)
        test_consumer_groups(b)
        test_describe_shows_only_overrides(b)
        print(f"{passed} passed, 0 failed")
    finally:
        if b and b.proc and b.proc.poll() is None:
            b.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
