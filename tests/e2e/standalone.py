#!/usr/bin/python3
"""End-to-end tests of `sluice standalone`, Kafka Connect's standalone mode,
run the way a user runs connect-standalone.sh: with Kafka's own sample
property files, real files on disk, and real clients (kcat, kafka-python)
looking at the topics.

Usage: standalone.py /path/to/sluice

Every worker runs in a private temp directory (its cwd, so the samples'
relative paths such as file=test.txt work as written), with its embedded
broker on a free 127.0.0.1 port, and is stopped by PID. Each check prints
"ok:" or "FAIL:" and a name; a failed check ends its group (what follows
depends on it) but the other groups still run. The summary line counts
both, and the exit status is 1 when anything failed.
"""
import collections
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

SLUICE = os.path.abspath(sys.argv[1])
passed = 0
failed = []
PROCS = []  # every process started, so a group's finally can kill leftovers

# Kafka's config/connect-standalone.properties, connect-file-source.properties
# and connect-file-sink.properties (apache/kafka trunk), byte for byte.
LICENSE = """\
# Licensed to the Apache Software Foundation (ASF) under one or more
# contributor license agreements.  See the NOTICE file distributed with
# this work for additional information regarding copyright ownership.
# The ASF licenses this file to You under the Apache License, Version 2.0
# (the "License"); you may not use this file except in compliance with
# the License.  You may obtain a copy of the License at
#
#    http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
"""
KAFKA_WORKER = LICENSE + """
# These are defaults. This file just demonstrates how to override some settings.
bootstrap.servers=localhost:9092

# The converters specify the format of data in Kafka and how to translate it into Connect data. Every Connect user will
# need to configure these based on the format they want their data in when loaded from or stored into Kafka
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
# Converter-specific settings can be passed in by prefixing the Converter's setting with the converter we want to apply
# it to
key.converter.schemas.enable=true
value.converter.schemas.enable=true

offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000

# Set to a list of filesystem paths separated by commas (,) to enable class loading isolation for plugins
# (connectors, converters, transformations). The list should consist of top level directories that include 
# any combination of: 
# a) directories immediately containing jars with plugins and their dependencies
# b) uber-jars with plugins and their dependencies
# c) directories immediately containing the package directory structure of classes of plugins and their dependencies
# Note: symlinks will be followed to discover dependencies or plugins.
# Examples: 
# plugin.path=/usr/local/share/java,/usr/local/share/kafka/plugins,/opt/connectors,
#plugin.path=
"""
KAFKA_FILE_SOURCE = LICENSE + """
name=local-file-source
connector.class=FileStreamSource
tasks.max=1
file=test.txt
topic=connect-test"""
KAFKA_FILE_SINK = LICENSE + """
name=local-file-sink
connector.class=FileStreamSink
tasks.max=1
file=test.sink.txt
topics=connect-test"""

STARTED = re.compile(r"Sluice worker \S+ started in \d+ ms")
LOG_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] (TRACE|DEBUG|INFO|WARN|ERROR) ")


class GroupFailed(Exception):
    """A check whose failure makes the rest of its group meaningless."""


def check(cond, what, detail=None):
    global passed
    if cond:
        passed += 1
        print(f"ok: {what}", flush=True)
        return True
    failed.append(what)
    print(f"FAIL: {what}", flush=True)
    if detail is not None:
        print(detail() if callable(detail) else detail, flush=True)
    return False


def require(cond, what, detail=None):
    if not check(cond, what, detail):
        raise GroupFailed(what)


def wait_for(cond, timeout, what, detail=None):
    """Polls cond until it is true or the deadline passes; a check either way."""
    end = time.time() + timeout
    while True:
        if cond():
            return require(True, what)
        if time.time() > end:
            return require(False, f"{what} (timed out after {timeout}s)", detail)
        time.sleep(0.05)


def free_port():
    while True:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        if port not in (9092, 8083):
            return port


def tail(text, n=3000):
    return text[-n:]


# ---- files -------------------------------------------------------------------------------------

def make_lines(prefix, start, n):
    """Distinct lines; some carry what JSON must escape and non-ASCII text."""
    out = []
    for i in range(start, start + n):
        if i % 997 == 3:
            out.append(f'{prefix} {i:07d} "quoted" back\\slash\ttab ünïcödé €')
        else:
            out.append(f"{prefix} {i:07d} the quick brown fox jumps over the lazy dog")
    return out


def write_text(path, text, mode="w"):
    with open(path, mode, encoding="utf-8", newline="") as f:
        f.write(text)


def append_lines(path, lines):
    write_text(path, "".join(line + "\n" for line in lines), "a")


def read_lines(path):
    """The complete lines of a file (a torn last line without its newline is dropped)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    parts = data.decode("utf-8", errors="replace").split("\n")
    return parts[:-1]


def last_line(path):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 4096))
            data = f.read()
    except FileNotFoundError:
        return None
    lines = data.decode("utf-8", errors="replace").split("\n")
    return lines[-2] if len(lines) >= 2 else None


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return f.read().count(b"\n")
    except FileNotFoundError:
        return 0


def properties(d, name, props, text=None):
    """Writes name in d from a dict (or verbatim text) and returns the name."""
    if text is None:
        text = "".join(f"{k}={v}\n" for k, v in props.items())
    write_text(os.path.join(d, name), text)
    return name


def kafka_worker_sample(bport, rport, offsets, extra=""):
    """Kafka's sample worker file with bootstrap.servers, the offsets file and
    listeners changed, plus extra lines."""
    text = KAFKA_WORKER.replace("bootstrap.servers=localhost:9092",
                                f"bootstrap.servers=127.0.0.1:{bport}")
    text = text.replace("offset.storage.file.filename=/tmp/connect.offsets",
                        f"offset.storage.file.filename={offsets}")
    assert f"127.0.0.1:{bport}" in text and offsets in text
    return text + f"listeners=http://127.0.0.1:{rport}\n" + extra


def read_offsets(path):
    """The offsets file's entries as {json.dumps(key): value}."""
    entries = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                e = json.loads(line)
                entries[json.dumps(e["key"], sort_keys=True)] = e["value"]
    return entries


def offset_key(connector, filename):
    return json.dumps([connector, {"filename": filename}], sort_keys=True)


# ---- processes ---------------------------------------------------------------------------------

def start_proc(args, cwd, out, err):
    p = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    PROCS.append(p)
    return p


def kill_leftovers():
    for p in PROCS:
        if p.poll() is None:
            p.kill()  # by PID
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
    PROCS.clear()


class Worker:
    """One `sluice standalone` process in directory d; each start logs to its
    own worker-N.err."""
    runs = 0

    def __init__(self, d, worker_file, connector_files=()):
        self.d = d
        self.args = [SLUICE, "standalone", worker_file, *connector_files]
        self.proc = None
        self.err_path = None

    def start(self, timeout=30):
        Worker.runs += 1
        self.err_path = os.path.join(self.d, f"worker-{Worker.runs}.err")
        self.out = open(os.path.join(self.d, f"worker-{Worker.runs}.out"), "wb")
        self.err = open(self.err_path, "wb")
        self.proc = start_proc(self.args, self.d, self.out, self.err)
        end = time.time() + timeout
        while not STARTED.search(self.stderr()):
            if self.proc.poll() is not None:
                require(False, f"the worker starts ({' '.join(self.args[2:])})",
                        f"it exited {self.proc.returncode}:\n{tail(self.stderr())}")
            if time.time() > end:
                require(False, f"the worker says it started within {timeout}s",
                        tail(self.stderr()))
            time.sleep(0.05)
        return self

    def stderr(self):
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, timeout=60):
        """Sends sig to the worker's PID and returns its exit status."""
        self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            rc = f"none: still running {timeout}s after the signal, killed"
        self.out.close()
        self.err.close()
        return rc


class Broker:
    """A separate `sluice broker`, started as the broker tests start one."""

    def __init__(self, d):
        self.d = d
        self.port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"

    def start(self):
        self.log_path = os.path.join(self.d, "broker.log")
        self.log = open(self.log_path, "wb")
        self.proc = start_proc([SLUICE, "broker",
                                "--override", f"listeners=PLAINTEXT://127.0.0.1:{self.port}",
                                "--override", f"log.dirs={self.d}/broker-data",
                                "--override", "group.initial.rebalance.delay.ms=0"],
                               self.d, self.log, subprocess.STDOUT)

        def up():
            if self.proc.poll() is not None:
                return True
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False
        wait_for(up, 20, "the separate sluice broker listens")
        require(self.proc.poll() is None, "the separate sluice broker is running",
                lambda: tail(open(self.log_path, errors="replace").read()))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=60)
        self.log.close()
        return rc


def run(args, cwd, timeout=60, input=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, timeout=timeout, input=input)


def kcat_consume(bs, topic, fmt=None):
    """Every record of topic from the beginning to its current end (payloads)."""
    args = ["kcat", "-C", "-b", bs, "-t", topic, "-o", "beginning", "-e", "-q"]
    if fmt:
        args += ["-f", fmt]
    r = subprocess.run(args, capture_output=True, timeout=120)
    return r.stdout.decode("utf-8", errors="replace").split("\n")[:-1]


def kcat_topics(bs):
    """{topic: partition count} from a full metadata listing (which creates nothing)."""
    r = subprocess.run(["kcat", "-L", "-b", bs], capture_output=True, timeout=60)
    out = r.stdout.decode(errors="replace")
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r'topic "([^"]+)" with (\d+) partitions', out)}


def json_envelope(line):
    """What Kafka's JsonConverter (schemas.enable=true) writes for a string."""
    return ('{"schema":{"type":"string","optional":false},"payload":'
            + json.dumps(line, ensure_ascii=False) + "}")


def list_diff(expected, got):
    """A short description of how got differs from expected."""
    if len(expected) == len(got):
        for i, (e, g) in enumerate(zip(expected, got)):
            if e != g:
                return (f"same count ({len(got)}); first difference at #{i}: "
                        f"expected {e!r}, got {g!r}")
        return "identical"
    ce, cg = collections.Counter(expected), collections.Counter(got)
    missing, extra = ce - cg, cg - ce
    return (f"expected {len(expected)} lines, got {len(got)}; "
            f"{sum(missing.values())} missing (e.g. {list(missing)[:3]}), "
            f"{sum(extra.values())} extra/repeated (e.g. {list(extra)[:3]})")


def producer(bs):
    return KafkaProducer(bootstrap_servers=bs, linger_ms=5)


# ---- checks ------------------------------------------------------------------------------------

def group(title):
    print(f"--- {title}", flush=True)


def test_kafka_samples_and_restart():
    """Checks 1, 2 and 9: Kafka's quickstart files, tail -f, a clean restart."""
    group("1. Kafka's sample files, verbatim")
    d = tempfile.mkdtemp(prefix="sluice-standalone-samples-")
    try:
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        offsets = os.path.join(d, "connect.offsets")
        properties(d, "connect-standalone.properties", None,
                   kafka_worker_sample(bport, rport, offsets))
        properties(d, "connect-file-source.properties", None, KAFKA_FILE_SOURCE)
        properties(d, "connect-file-sink.properties", None, KAFKA_FILE_SINK)
        src, sink = os.path.join(d, "test.txt"), os.path.join(d, "test.sink.txt")
        lines = make_lines("line", 0, 100000)
        append_lines(src, lines)
        w = Worker(d, "connect-standalone.properties",
                   ["connect-file-source.properties", "connect-file-sink.properties"]).start()
        wait_for(lambda: last_line(sink) == lines[-1], 60,
                 "the 100000th line of test.txt reaches test.sink.txt",
                 lambda: f"{count_lines(sink)} lines in test.sink.txt\n{tail(w.stderr())}")
        got = read_lines(sink)
        check(got == lines, "test.sink.txt holds the 100000 lines of test.txt, in order",
              lambda: list_diff(lines, got))
        records = kcat_consume(bs, "connect-test")
        want = [json_envelope(line) for line in lines]
        check(records == want,
              "kcat reads connect-test as {\"schema\":{\"type\":\"string\",\"optional\":false},"
              "\"payload\":<line>} for each line, in order",
              lambda: list_diff(want, records))

        more = make_lines("tail", 100000, 2000)
        for i in range(0, len(more), 500):  # appended in pieces while the worker runs
            append_lines(src, more[i:i + 500])
        wait_for(lambda: last_line(sink) == more[-1], 30,
                 "lines appended to test.txt while the worker runs reach the sink (tail -f)",
                 lambda: f"{count_lines(sink)} lines in test.sink.txt")
        got = read_lines(sink)
        check(got == lines + more, "after the appends the sink holds every line once, in order",
              lambda: list_diff(lines + more, got))

        group("9. log lines carry the connector and task")
        err = w.stderr()
        for conn in ("local-file-source", "local-file-sink"):
            ctx = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] (INFO|WARN|ERROR|DEBUG) "
                             rf"\[{re.escape(conn)}\|task-0\] .+ \([\w.$]+\)$", re.M)
            check(ctx.search(err) is not None,
                  f"stderr has '[ts] LEVEL [{conn}|task-0] message (Logger)' lines",
                  tail(err, 2000))

        group("2. restart after a clean shutdown")
        rc = w.stop(signal.SIGTERM)
        require(rc == 0, f"SIGTERM stops the worker with exit status 0 (got {rc})",
                lambda: tail(w.stderr()))
        require(os.path.exists(offsets), "the offsets file exists after the shutdown")
        entries = read_offsets(offsets)
        pos = entries.get(offset_key("local-file-source", "test.txt"))
        size = os.path.getsize(src)
        check(pos == {"position": size},
              f"the offsets file holds key [\"local-file-source\",{{\"filename\":\"test.txt\"}}] "
              f"with value {{\"position\":{size}}} (the end of test.txt)",
              f"entries: {entries}")
        check(os.path.isdir(os.path.join(d, "data")),
              "the embedded broker kept its data in data/ beside the offsets file")

        offline = make_lines("offline", 200000, 5000)
        append_lines(src, offline)
        w = Worker(d, "connect-standalone.properties",
                   ["connect-file-source.properties", "connect-file-sink.properties"]).start()
        online = make_lines("online", 300000, 1000)
        append_lines(src, online)
        everything = lines + more + offline + online
        wait_for(lambda: last_line(sink) == online[-1], 60,
                 "after the restart, lines appended before and after it reach the sink",
                 lambda: f"{count_lines(sink)} lines in test.sink.txt\n{tail(w.stderr())}")
        got = read_lines(sink)
        check(got == everything,
              f"every one of the {len(everything)} lines is in the sink exactly once, in order "
              "(none lost, none repeated)", lambda: list_diff(everything, got))
        records = kcat_consume(bs, "connect-test")
        check(len(records) == len(everything),
              f"connect-test holds {len(everything)} records: the restarted source resumed at "
              "its stored position", lambda: list_diff([json_envelope(x) for x in everything],
                                                        records))
        rc = w.stop(signal.SIGINT)
        check(rc == 0, f"SIGINT stops the worker with exit status 0 (got {rc})",
              lambda: tail(w.stderr()))
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_kill9():
    group("3. kill -9 mid-stream, then restart")
    d = tempfile.mkdtemp(prefix="sluice-standalone-kill9-")
    try:
        bport, rport = free_port(), free_port()
        offsets = os.path.join(d, "connect.offsets")
        # The killed sink's consumer stays in its group until its session
        # times out (librdkafka's default is 45 s): keep that short.
        properties(d, "worker.properties", None, kafka_worker_sample(
            bport, rport, offsets, "offset.flush.interval.ms=1000\n"
            "consumer.session.timeout.ms=6000\nconsumer.heartbeat.interval.ms=1000\n"))
        properties(d, "source.properties", {
            "name": "kill-source", "connector.class": "FileStreamSource", "tasks.max": "1",
            "file": "big.txt", "topic": "big"})
        properties(d, "sink.properties", {
            "name": "kill-sink", "connector.class": "FileStreamSink", "tasks.max": "1",
            "file": "big.sink.txt", "topics": "big"})
        src, sink = os.path.join(d, "big.txt"), os.path.join(d, "big.sink.txt")
        lines = make_lines("big", 0, 300000)
        # big.txt keeps growing while the worker streams it, so the kill
        # lands mid-stream however fast the worker is.
        written = [100000]
        append_lines(src, lines[:written[0]])

        def streamed_a_while():
            if written[0] < len(lines):
                append_lines(src, lines[written[0]:written[0] + 5000])
                written[0] += 5000
            return (os.path.exists(offsets) and os.path.exists(sink)
                    and count_lines(sink) >= 50000)
        w = Worker(d, "worker.properties", ["source.properties", "sink.properties"]).start()
        wait_for(streamed_a_while, 60,
                 "50000 lines of big.txt are in the sink and source offsets were flushed",
                 lambda: f"{count_lines(sink)} lines in the sink\n{tail(w.stderr())}")
        w.stop(signal.SIGKILL)
        at_kill = count_lines(sink)
        require(at_kill < written[0],
                f"the worker was killed mid-stream ({at_kill} of {written[0]} lines delivered)")
        print(f"info: killed with {at_kill} of {written[0]} lines written in the sink", flush=True)

        t_restart = time.time()
        w = Worker(d, "worker.properties", ["source.properties", "sink.properties"]).start()
        append_lines(src, lines[written[0]:])
        total = os.path.getsize(src)
        wait_for(lambda: last_line(sink) == lines[-1], 60,
                 "after kill -9 and a restart, the last line of big.txt reaches the sink",
                 lambda: f"{count_lines(sink)} lines in the sink\n{tail(w.stderr())}")
        print(f"info: the restarted worker finished in {time.time() - t_restart:.1f}s",
              flush=True)
        got = read_lines(sink)
        want = set(lines)
        gotset = set(got)
        missing = [x for x in lines if x not in gotset]
        check(not missing, "no line is lost across kill -9",
              lambda: f"{len(missing)} missing, e.g. {missing[:3]}")
        known = [x for x in got if x in want]
        dups = len(known) - len(set(known))
        torn = [x for x in got if x not in want]
        print(f"info: {dups} duplicate line(s) after kill -9 (allowed: at-least-once); "
              f"{len(torn)} torn line(s) {torn[:2]}", flush=True)
        firsts = []
        seen = set()
        for x in known:
            if x not in seen:
                seen.add(x)
                firsts.append(x)
        check(firsts == lines, "first deliveries are in file order",
              lambda: list_diff(lines, firsts))
        rc = w.stop()
        check(rc == 0, f"the restarted worker stops on SIGTERM with exit status 0 (got {rc})",
              lambda: tail(w.stderr()))
        entries = read_offsets(offsets)
        check(entries.get(offset_key("kill-source", "big.txt")) == {"position": total},
              f"the offsets file ends at position {total}", f"entries: {entries}")
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def worker_only(d, bs_port, rport, offsets, prepare):
    """Runs the worker with no connector (so its embedded broker is up), calls
    prepare(bootstrap), and stops it cleanly."""
    w = Worker(d, "worker.properties").start()
    prepare(f"127.0.0.1:{bs_port}")
    rc = w.stop()
    require(rc == 0, f"the worker without connectors stops with exit status 0 (got {rc})",
            lambda: tail(w.stderr()))


def test_sink_tasks_max_3():
    group("4. tasks.max=3 sink over a 3-partition topic")
    d = tempfile.mkdtemp(prefix="sluice-standalone-sink3-")
    try:
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        offsets = os.path.join(d, "connect.offsets")
        properties(d, "worker.properties", None, kafka_worker_sample(
            bport, rport, offsets, "offset.flush.interval.ms=1000\n"))
        properties(d, "sink.properties", {
            "name": "multi-sink", "connector.class": "FileStreamSink", "tasks.max": "3",
            "file": "multi.sink.txt", "topics": "multi",
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.storage.StringConverter"})
        sink = os.path.join(d, "multi.sink.txt")
        first = [f"rec-{i}" for i in range(3000)]

        def prepare(bs):
            r = run([SLUICE, "topics", "--create", "--topic", "multi", "--partitions", "3",
                     "--bootstrap-server", bs], d)
            require(r.returncode == 0, "sluice topics --create makes the 3-partition topic",
                    r.stderr.decode(errors="replace"))
            p = producer(bs)
            for i, v in enumerate(first):
                p.send("multi", value=v.encode(), key=f"k{i}".encode(), partition=i % 3)
            p.flush()
            p.close()
        worker_only(d, bport, rport, offsets, prepare)

        w = Worker(d, "worker.properties", ["sink.properties"]).start()
        p = producer(bs)
        second = [f"live-{i}" for i in range(3000)]
        for i, v in enumerate(second):
            p.send("multi", value=v.encode(), partition=i % 3)
        p.flush()
        p.close()
        want = first + second
        wait_for(lambda: count_lines(sink) >= len(want), 60,
                 f"{len(want)} records reach multi.sink.txt",
                 lambda: f"{count_lines(sink)} lines\n{tail(w.stderr())}")
        got = read_lines(sink)
        check(collections.Counter(got) == collections.Counter(want),
              "every record produced is in the sink file exactly once (as multisets)",
              lambda: list_diff(sorted(want), sorted(got)))

        admin = KafkaAdminClient(bootstrap_servers=bs)
        seen = {}

        def three_members():
            info = admin.describe_consumer_groups(["connect-multi-sink"])[0]
            owned = [sorted(m.member_assignment.partitions()) if m.member_assignment else []
                     for m in info.members]
            seen["info"] = (info.state, owned)
            return info.state == "Stable" and len(info.members) == 3
        try:
            wait_for(three_members, 30, "group connect-multi-sink is Stable with 3 members",
                     lambda: f"state and assignments: {seen.get('info')}")
            owned = seen["info"][1]
            check(sorted(len(o) for o in owned) == [1, 1, 1]
                  and sorted(tp.partition for o in owned for tp in o) == [0, 1, 2]
                  and all(tp.topic == "multi" for o in owned for tp in o),
                  "each of the 3 members owns one partition of multi",
                  lambda: f"assignments: {owned}\n" + run(
                      [SLUICE, "consumer-groups", "--describe", "--group", "connect-multi-sink",
                       "--bootstrap-server", bs], d).stdout.decode(errors="replace"))
        finally:
            admin.close()
        check(all(f"[multi-sink|task-{i}]" in w.stderr() for i in range(3)),
              "the log shows tasks 0, 1 and 2 of multi-sink", lambda: tail(w.stderr()))
        rc = w.stop()
        check(rc == 0, f"the worker stops with exit status 0 (got {rc})", lambda: tail(w.stderr()))
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def consume_all(bs, topic, want, timeout):
    """kafka-python records of partition 0 of topic until `want` arrived or timeout."""
    c = KafkaConsumer(bootstrap_servers=bs, auto_offset_reset="earliest",
                      enable_auto_commit=False)
    c.assign([TopicPartition(topic, 0)])
    got = []
    end = time.time() + timeout
    while len(got) < want and time.time() < end:
        for recs in c.poll(timeout_ms=500).values():
            got.extend(recs)
    c.close()
    return got


def test_errors_and_dlq():
    group("5. error tolerance: dead letter queue, and a failing task")
    d = tempfile.mkdtemp(prefix="sluice-standalone-dlq-")
    try:
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        offsets = os.path.join(d, "connect.offsets")
        properties(d, "worker.properties", None, kafka_worker_sample(
            bport, rport, offsets, "offset.flush.interval.ms=1000\n"))
        json_sink = {"connector.class": "FileStreamSink", "tasks.max": "1",
                     "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                     "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                     "value.converter.schemas.enable": "false"}
        properties(d, "dlq.properties", dict(json_sink, **{
            "name": "dlq-sink", "topics": "json-in", "file": "dlq.sink.txt",
            "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "dlq",
            "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.deadletterqueue.context.headers.enable": "true"}))
        properties(d, "strict.properties", dict(json_sink, **{
            "name": "strict-sink", "topics": "json-strict", "file": "strict.sink.txt",
            "errors.tolerance": "none"}))
        properties(d, "live-source.properties", {
            "name": "live-source", "connector.class": "FileStreamSource", "tasks.max": "1",
            "file": "live.txt", "topic": "live"})
        properties(d, "live-sink.properties", {
            "name": "live-sink", "connector.class": "FileStreamSink", "tasks.max": "1",
            "file": "live.sink.txt", "topics": "live"})
        good = [f'"good-{i}"' for i in range(10)]
        bad = b"this is {not json"

        def prepare(bs):
            admin = KafkaAdminClient(bootstrap_servers=bs)
            admin.create_topics([NewTopic("json-in", 1, 1), NewTopic("json-strict", 1, 1),
                                 NewTopic("live", 1, 1)])
            admin.close()
            p = producer(bs)
            for v in good[:5]:
                p.send("json-in", value=v.encode(), partition=0)
            p.send("json-in", value=bad, partition=0)
            for v in good[5:]:
                p.send("json-in", value=v.encode(), partition=0)
            for v in (b'"ok-0"', bad, b'"ok-1"'):
                p.send("json-strict", value=v, partition=0)
            p.flush()
            p.close()
        worker_only(d, bport, rport, offsets, prepare)

        live_src, live_sink = os.path.join(d, "live.txt"), os.path.join(d, "live.sink.txt")
        append_lines(live_src, ["before-0", "before-1"])
        w = Worker(d, "worker.properties", ["dlq.properties", "strict.properties",
                                            "live-source.properties",
                                            "live-sink.properties"]).start()
        dlq_sink = os.path.join(d, "dlq.sink.txt")
        want = [f"good-{i}" for i in range(10)]
        wait_for(lambda: count_lines(dlq_sink) >= 10, 30,
                 "errors.tolerance=all: the 10 good records reach the file",
                 lambda: f"{read_lines(dlq_sink)}\n{tail(w.stderr())}")
        check(read_lines(dlq_sink) == want, "the file holds the good records in order",
              lambda: list_diff(want, read_lines(dlq_sink)))
        recs = consume_all(bs, "dlq", 1, 20)
        require(len(recs) >= 1, "the bad record is in topic dlq", lambda: tail(w.stderr()))
        check(len(recs) == 1 and recs[0].value == bad,
              "dlq holds exactly the bad record, with its original bytes",
              [(r.offset, r.value) for r in recs])
        h = {k: v.decode("utf-8", errors="replace") for k, v in recs[0].headers}
        expect = {
            "__connect.errors.topic": "json-in",
            "__connect.errors.partition": "0",
            "__connect.errors.offset": "5",
            "__connect.errors.connector.name": "dlq-sink",
            "__connect.errors.task.id": "0",
            "__connect.errors.stage": "VALUE_CONVERTER",
            "__connect.errors.class.name": "org.apache.kafka.connect.json.JsonConverter",
            "__connect.errors.exception.class.name":
                "org.apache.kafka.connect.errors.DataException",
        }
        for k, v in expect.items():
            check(h.get(k) == v, f"dlq header {k} is {v}", f"headers: {h}")
        check(h.get("__connect.errors.exception.message"),
              "dlq header __connect.errors.exception.message says what went wrong",
              f"headers: {h}")
        check(h.get("__connect.errors.exception.stacktrace", "").startswith(
              "org.apache.kafka.connect.errors.DataException"),
              "dlq header __connect.errors.exception.stacktrace starts with the exception class",
              f"headers: {h}")

        def failed_block():
            err = w.stderr().split("\n")
            for i, line in enumerate(err):
                if "[strict-sink|task-0]" in line and "Task failed" in line:
                    block = [line]
                    for nxt in err[i + 1:]:
                        if LOG_LINE.match(nxt):
                            break
                        block.append(nxt)
                    return "\n".join(block)
            return None
        wait_for(lambda: failed_block() is not None, 30,
                 "errors.tolerance=none: stderr has an ERROR '[strict-sink|task-0] Task failed' "
                 "line", lambda: tail(w.stderr()))
        block = failed_block()
        check(" ERROR " in block.split("\n")[0], "the Task failed line is logged at ERROR", block)
        check("JsonConverter" in block,
              "the failed task's trace names the converter (JsonConverter)", block)
        check("ok-1" not in read_lines(os.path.join(d, "strict.sink.txt")),
              "no record after the bad one reaches the failed task's file",
              read_lines(os.path.join(d, "strict.sink.txt")))
        check(w.alive(), "the worker keeps running after a task failed")
        after = [f"after-{i}" for i in range(200)]
        append_lines(live_src, after)
        wait_for(lambda: last_line(live_sink) == after[-1], 30,
                 "the other connectors still flow after the task failure",
                 lambda: f"{read_lines(live_sink)[-3:]}\n{tail(w.stderr())}")
        check(read_lines(live_sink) == ["before-0", "before-1"] + after,
              "the live pipeline delivered every line once, in order",
              lambda: list_diff(["before-0", "before-1"] + after, read_lines(live_sink)))
        rc = w.stop()
        check(rc == 0, f"a worker with a failed task still stops with exit status 0 (got {rc})",
              lambda: tail(w.stderr()))
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_bad_configs():
    group("6. bad configs are refused before anything is created")
    base = tempfile.mkdtemp(prefix="sluice-standalone-bad-")
    good_source = {"name": "src", "connector.class": "FileStreamSource", "tasks.max": "1",
                   "file": "in.txt", "topic": "t"}
    good_sink = {"name": "snk", "connector.class": "FileStreamSink", "tasks.max": "1",
                 "file": "out.txt", "topics": "t"}
    # (what, worker extra text or None for the good worker, connector props or None,
    #  the file named, the key named, a word of the reason)
    cases = [
        ("an unknown connector.class", None,
         dict(good_source, **{"connector.class": "com.example.NoSuchConnector"}),
         "bad.properties", "connector.class", "com.example.NoSuchConnector"),
        ("a sink with topic instead of topics", None,
         {k: v for k, v in dict(good_sink, topic="t").items() if k != "topics"},
         "bad.properties", r"topics(\.regex)?", "topics"),
        ("a connector without name", None,
         {k: v for k, v in good_source.items() if k != "name"},
         "bad.properties", "name", None),
        ("tasks.max=abc", None, dict(good_source, **{"tasks.max": "abc"}),
         "bad.properties", "tasks.max", "abc"),
        ("a malformed worker file (a broken \\uXXXX escape)",
         "offset.flush.interval.ms=\\u00zz\n", good_source,
         "worker.properties", "offset.flush.interval.ms", "\\u"),
        ("a worker value of the wrong type", "offset.flush.interval.ms=soon\n", good_source,
         "worker.properties", "offset.flush.interval.ms", "soon"),
    ]
    try:
        for what, worker_extra, conn, fname, key, word in cases:
            d = tempfile.mkdtemp(dir=base)
            bport, rport = free_port(), free_port()
            offsets = os.path.join(d, "connect.offsets")
            properties(d, "worker.properties", None,
                       kafka_worker_sample(bport, rport, offsets, worker_extra or ""))
            properties(d, "bad.properties", conn)
            before = sorted(os.listdir(d))
            try:
                r = run([SLUICE, "standalone", "worker.properties", "bad.properties"], d,
                        timeout=30)
                rc, err = r.returncode, r.stderr.decode(errors="replace")
            except subprocess.TimeoutExpired:
                rc, err = "none (still running after 30 s)", ""
            detail = f"exit {rc}\n--- stderr:\n{tail(err)}"
            check(rc == 1, f"{what}: refused with exit status 1", detail)
            m = re.search(rf"^(.*[\s/])?{re.escape(fname)}(?::\d+)?: (?:{key}): (?P<reason>.+)$", err,
                          re.M)
            check(m is not None and m.group("reason").strip() != "",
                  f"{what}: stderr says '{fname}: {key}: <reason>'", detail)
            if word:
                named = [line for line in err.split("\n") if fname in line]
                check(any(word in line.split(fname, 1)[1] for line in named),
                      f"{what}: an error line naming {fname} gives the reason ({word!r})",
                      detail)
            after = sorted(os.listdir(d))
            check(not os.path.exists(offsets) and not os.path.exists(os.path.join(d, "data"))
                  and after == before,
                  f"{what}: no offsets file and no broker data were created",
                  f"before {before}, after {after}")
            check(not re.search(STARTED, err), f"{what}: the worker never said it started",
                  detail)
    finally:
        kill_leftovers()
        shutil.rmtree(base, ignore_errors=True)


def test_features():
    """Checks 7, 8 and 11 share one worker."""
    group("7/8/11. retired worker keys, a transform chain, topic creation")
    d = tempfile.mkdtemp(prefix="sluice-standalone-features-")
    try:
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        offsets = os.path.join(d, "connect.offsets")
        retired = {
            "internal.key.converter": "org.apache.kafka.connect.json.JsonConverter",
            "internal.value.converter": "org.apache.kafka.connect.json.JsonConverter",
            "internal.key.converter.schemas.enable": "false",
            "internal.value.converter.schemas.enable": "false",
        }
        properties(d, "worker.properties", None, kafka_worker_sample(
            bport, rport, offsets, "offset.flush.interval.ms=1000\n"
            + "".join(f"{k}={v}\n" for k, v in retired.items())))
        chain = {
            "transforms": "route",
            "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
            "transforms.route.regex": "orig-(.*)",
            "transforms.route.replacement": "routed-$1",
            "transforms.route.predicate": "isOrig",
            "predicates": "isOrig",
            "predicates.isOrig.type":
                "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            "predicates.isOrig.pattern": "orig-.*",
        }
        source = {"connector.class": "FileStreamSource", "tasks.max": "1"}
        properties(d, "route.properties", dict(source, name="route-source", file="route.txt",
                                               topic="orig-events", **chain))
        properties(d, "keep.properties", dict(source, name="keep-source", file="keep.txt",
                                              topic="kept-events", **chain))
        properties(d, "created.properties", dict(source, **{
            "name": "created-source", "file": "created.txt", "topic": "created-topic",
            "topic.creation.default.partitions": "3",
            "topic.creation.default.replication.factor": "-1"}))
        routed = make_lines("routed", 0, 500)
        kept = make_lines("kept", 0, 500)
        created = make_lines("created", 0, 500)
        append_lines(os.path.join(d, "route.txt"), routed)
        append_lines(os.path.join(d, "keep.txt"), kept)
        append_lines(os.path.join(d, "created.txt"), created)
        w = Worker(d, "worker.properties",
                   ["route.properties", "keep.properties", "created.properties"]).start()

        group("7. retired worker keys")
        err = w.stderr()
        warns = [line for line in err.split("\n") if re.match(r"^\[[^]]*\] WARN ", line)]
        for k in retired:
            check(any(k in line for line in warns),
                  f"the retired key {k} is accepted with a WARN line naming it",
                  "\n".join(warns) or tail(err))

        group("8. a transform chain with a predicate")
        got = {}

        def arrived(topic, n):
            got[topic] = kcat_consume(bs, topic)
            return len(got[topic]) >= n
        wait_for(lambda: arrived("routed-events", len(routed)), 30,
                 "RegexRouter moved route-source's records from orig-events to routed-events",
                 lambda: f"topics: {kcat_topics(bs)}\n{tail(w.stderr())}")
        check(got["routed-events"] == [json_envelope(x) for x in routed],
              "routed-events holds every line, in order",
              lambda: list_diff([json_envelope(x) for x in routed], got["routed-events"]))
        check("orig-events" not in kcat_topics(bs), "nothing was written to orig-events",
              lambda: kcat_topics(bs))
        wait_for(lambda: arrived("kept-events", len(kept)), 30,
                 "the predicate (TopicNameMatches orig-.*) left kept-events' records in place",
                 lambda: f"topics: {kcat_topics(bs)}")
        check(got["kept-events"] == [json_envelope(x) for x in kept],
              "kept-events holds every line, in order",
              lambda: list_diff([json_envelope(x) for x in kept], got["kept-events"]))
        check("routed-events" in kcat_topics(bs) and "kept-events" in kcat_topics(bs)
              and not any(t.startswith("routed-") and t != "routed-events"
                          for t in kcat_topics(bs)),
              "no other routed- topic exists", lambda: kcat_topics(bs))

        group("11. topic creation by the worker")
        wait_for(lambda: sorted(kcat_consume(bs, "created-topic"))
                 == sorted(json_envelope(x) for x in created), 30,
                 "created-source's records are in created-topic",
                 lambda: f"topics: {kcat_topics(bs)}\n{tail(w.stderr())}")
        parts = kcat_topics(bs).get("created-topic")
        check(parts == 3, f"created-topic has 3 partitions "
              f"(topic.creation.default.partitions=3; got {parts})", lambda: tail(w.stderr()))
        rc = w.stop()
        check(rc == 0, f"the worker stops with exit status 0 (got {rc})", lambda: tail(w.stderr()))
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_external_broker():
    group("10. broker.embedded=false against a separate sluice broker")
    d = tempfile.mkdtemp(prefix="sluice-standalone-external-")
    try:
        b = Broker(d)
        b.start()
        rport = free_port()
        offsets = os.path.join(d, "connect.offsets")
        properties(d, "connect-standalone.properties", None, kafka_worker_sample(
            b.port, rport, offsets, "broker.embedded=false\n"))
        properties(d, "connect-file-source.properties", None, KAFKA_FILE_SOURCE)
        properties(d, "connect-file-sink.properties", None, KAFKA_FILE_SINK)
        src, sink = os.path.join(d, "test.txt"), os.path.join(d, "test.sink.txt")
        lines = make_lines("external", 0, 20000)
        append_lines(src, lines)
        w = Worker(d, "connect-standalone.properties",
                   ["connect-file-source.properties", "connect-file-sink.properties"]).start()
        wait_for(lambda: last_line(sink) == lines[-1], 60,
                 "with an external broker, the last line reaches test.sink.txt",
                 lambda: f"{count_lines(sink)} lines\n{tail(w.stderr())}")
        check(read_lines(sink) == lines, "test.sink.txt holds every line once, in order",
              lambda: list_diff(lines, read_lines(sink)))
        records = kcat_consume(b.bootstrap, "connect-test")
        check(records == [json_envelope(x) for x in lines],
              "the separate broker's connect-test holds the records",
              lambda: list_diff([json_envelope(x) for x in lines], records))
        check(not os.path.exists(os.path.join(d, "data")),
              "the worker started no embedded broker (no data/ beside the offsets file)")
        rc = w.stop()
        check(rc == 0, f"the worker stops with exit status 0 (got {rc})", lambda: tail(w.stderr()))
        check(os.path.exists(offsets) and read_offsets(offsets).get(
              offset_key("local-file-source", "test.txt")) == {"position": os.path.getsize(src)},
              "the source position is in the offsets file")
        check(b.proc.poll() is None, "the separate broker is still running after the worker left")
        rc = b.stop()
        check(rc == 0, f"the separate broker stops with exit status 0 (got {rc})")
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def direct_run(direct, lines, big):
    """One worker (broker.embedded.direct=direct) streaming lines through a
    keyed, header-adding chain into a 3-partition topic, plus a connector
    whose second line exceeds the producer's message.max.bytes. Returns
    (records as (partition, key, value, headers), timestamps, big-source
    status, the big topic's values, the worker's stderr)."""
    d = tempfile.mkdtemp(prefix="sluice-standalone-direct-")
    try:
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        properties(d, "worker.properties", {
            "bootstrap.servers": bs, "listeners": f"http://127.0.0.1:{rport}",
            "offset.storage.file.filename": os.path.join(d, "offsets"),
            "key.converter": "org.apache.kafka.connect.storage.StringConverter",
            "value.converter": "org.apache.kafka.connect.storage.StringConverter",
            "connector.client.config.override.policy": "All",
            "broker.embedded.direct": "true" if direct else "false"})
        properties(d, "keyed.properties", {
            "name": "keyed", "connector.class": "FileStreamSource", "file": "keyed.txt",
            # seven lines per poll: the poll thread gathers polls into larger batches
            "batch.size": "7", "topic": "direct-t", "topic.creation.default.partitions": "3",
            "topic.creation.default.replication.factor": "-1",
            "transforms": "hoist,key,unkey,unhoist,origin",
            "transforms.hoist.type": "org.apache.kafka.connect.transforms.HoistField$Value",
            "transforms.hoist.field": "line",
            "transforms.key.type": "org.apache.kafka.connect.transforms.ValueToKey",
            "transforms.key.fields": "line",
            "transforms.unkey.type": "org.apache.kafka.connect.transforms.ExtractField$Key",
            "transforms.unkey.field": "line",
            "transforms.unhoist.type": "org.apache.kafka.connect.transforms.ExtractField$Value",
            "transforms.unhoist.field": "line",
            "transforms.origin.type": "org.apache.kafka.connect.transforms.InsertHeader",
            "transforms.origin.header": "origin",
            "transforms.origin.value.literal": "file"})
        properties(d, "big.properties", {
            "name": "big", "connector.class": "FileStreamSource", "file": "big.txt",
            "topic": "direct-big", "producer.override.message.max.bytes": "1000"})
        append_lines(os.path.join(d, "keyed.txt"), lines)
        append_lines(os.path.join(d, "big.txt"), big)
        t0 = time.time() * 1000
        w = Worker(d, "worker.properties", ["keyed.properties", "big.properties"]).start()
        fmt = "%p|%k|%s|%h|%T\n"
        got = []

        def arrived():
            got[:] = kcat_consume(bs, "direct-t", fmt)
            return len(got) >= len(lines)
        wait_for(arrived, 60, f"every line reaches direct-t (direct={direct})",
                 lambda: f"{len(got)} records\n{tail(w.stderr())}")
        status = {}

        def big_failed():
            r = subprocess.run(["curl", "-s", f"http://127.0.0.1:{rport}/connectors/big/status"],
                               capture_output=True, timeout=30)
            try:
                status.update(json.loads(r.stdout))
            except ValueError:
                return False
            return status.get("tasks") and status["tasks"][0]["state"] == "FAILED"
        wait_for(big_failed, 30, f"the task with a too-large record fails (direct={direct})",
                 lambda: f"{status}\n{tail(w.stderr())}")
        big_values = kcat_consume(bs, "direct-big")
        err = w.stderr()
        rc = w.stop()
        check(rc == 0, f"the worker stops with exit status 0 (direct={direct}; got {rc})",
              lambda: tail(w.stderr()))
        t1 = time.time() * 1000
        records, stamps = [], []
        for line in got:
            p, k, v, h, ts = line.split("|")
            records.append((int(p), k, v, h))
            stamps.append(int(ts))
        check(all(t0 - 1000 <= ts <= t1 for ts in stamps),
              f"records without a timestamp get the time they were sent (direct={direct})",
              lambda: f"{min(stamps)}..{max(stamps)} outside {t0:.0f}..{t1:.0f}")
        return records, status["tasks"][0].get("trace", ""), big_values, err
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_direct_append():
    group("12. broker.embedded.direct: source tasks append to the embedded broker directly")
    lines = make_lines("direct", 0, 3000)
    big = ["small-before", "x" * 2000, "small-after"]
    direct, direct_trace, direct_big, direct_err = direct_run(True, lines, big)
    check("Appending to the embedded broker directly" in direct_err,
          "with the default settings the task says it appends directly",
          lambda: tail(direct_err))
    kafka, kafka_trace, kafka_big, kafka_err = direct_run(False, lines, big)
    check("Appending to the embedded broker directly" not in kafka_err,
          "with broker.embedded.direct=false it goes through librdkafka", lambda: tail(kafka_err))
    check(sorted(direct) == sorted(kafka) and len(direct) == len(lines),
          "both paths store the same records: partition (murmur2 of the key), key, value and "
          "headers", lambda: list_diff(sorted(kafka), sorted(direct)))
    by_line = {r[2]: r for r in direct}
    check(all(by_line.get(x, (0, None))[1] == x and by_line[x][3] == "origin=file"
              for x in lines), "each record's key is its line and its header origin=file",
          lambda: direct[:3])
    for part in range(3):
        order = [r[2] for r in direct if r[0] == part]
        check(order == [x for x in lines if x in set(order)],
              f"partition {part} keeps the lines in file order ({len(order)} records)")
    check(len({r[0] for r in direct}) == 3, "the keys spread over all three partitions")
    for name, trace, values in (("direct", direct_trace, direct_big),
                                ("librdkafka", kafka_trace, kafka_big)):
        check("Message size too large" in trace,
              f"{name}: a record over message.max.bytes fails the task, saying so",
              lambda: trace[-500:])
        check(values == ["small-before"],
              f"{name}: the records before it were stored, the ones after it were not",
              lambda: values)


TESTS = {
    "samples": test_kafka_samples_and_restart,
    "kill9": test_kill9,
    "sink3": test_sink_tasks_max_3,
    "dlq": test_errors_and_dlq,
    "bad": test_bad_configs,
    "features": test_features,
    "external": test_external_broker,
    "direct": test_direct_append,
}


def main():
    # Optional test names after the binary run only those (for debugging).
    names = sys.argv[2:] or list(TESTS)
    t0 = time.time()
    for name in names:
        t = time.time()
        try:
            TESTS[name]()
        except GroupFailed:
            print(f"--- group {name} stopped at its first failure", flush=True)
        except Exception as e:  # a crash in the test itself still reports the rest
            failed.append(f"{name}: {type(e).__name__}: {e}")
            print(f"FAIL: {name} raised {type(e).__name__}: {e}", flush=True)
            import traceback
            traceback.print_exc()
        finally:
            kill_leftovers()
        print(f"--- {name}: {time.time() - t:.1f}s", flush=True)
    print(f"{passed} passed, {len(failed)} failed ({time.time() - t0:.1f}s)")
    for f in failed:
        print(f"  failed: {f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
