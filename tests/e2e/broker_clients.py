#!/usr/bin/python3
"""End-to-end tests of the integrated broker with real Kafka clients none of
us wrote: kcat (librdkafka), kafka-python and confluent-kafka.

Usage: broker_clients.py /path/to/sluice

Every broker this starts listens on 127.0.0.1 on a free port, keeps its data
in its own temp directory, and is stopped by PID. Each check prints a line;
the script exits non-zero on the first failure, with what was expected.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import GroupIdNotFoundError, NoError, NonEmptyGroupError
from kafka.structs import OffsetAndMetadata
import confluent_kafka

SLUICE = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
passed = 0


def check(cond, what):
    global passed
    if not cond:
        print(f"FAIL: {what}", flush=True)
        sys.exit(1)
    passed += 1
    print(f"ok: {what}", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    print(f"FAIL: timed out after {timeout}s waiting for {what}", flush=True)
    sys.exit(1)


class Broker:
    def __init__(self, workdir, port=None, overrides=()):
        self.workdir = workdir
        self.port = port or free_port()
        self.overrides = list(overrides)
        self.proc = None

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        args = [SLUICE, "broker",
                "--override", f"listeners=PLAINTEXT://127.0.0.1:{self.port}",
                "--override", f"log.dirs={self.workdir}/data",
                "--override", "group.initial.rebalance.delay.ms=0"]
        for o in self.overrides:
            args += ["--override", o]
        self.log = open(os.path.join(self.workdir, "broker.log"), "ab")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)

        def up():
            if self.proc.poll() is not None:
                print(open(os.path.join(self.workdir, "broker.log")).read()[-2000:])
                print("FAIL: the broker exited during start-up", flush=True)
                sys.exit(1)
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False
        wait_until(up, 20, "the broker to listen")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        self.log.close()
        return self.proc.returncode


def kcat(*args, input=None, timeout=60):
    r = subprocess.run(["kcat", *args], input=input, capture_output=True, timeout=timeout)
    if r.returncode != 0:
        print(r.stderr.decode(errors="replace")[-2000:])
    return r


def create_topic(bs, name, partitions, configs=None):
    admin = KafkaAdminClient(bootstrap_servers=bs)
    admin.create_topics([NewTopic(name, partitions, 1, topic_configs=configs or {})])
    admin.close()


def test_metadata_and_codecs(b):
    r = kcat("-b", b.bootstrap, "-L")
    out = r.stdout.decode()
    check(r.returncode == 0 and f"broker 0 at 127.0.0.1:{b.port} (controller)" in out,
          "kcat -L lists this broker as the controller")
    lines = [f"key{i % 97}:value-{i}-{'x' * (i % 50)}" for i in range(100000)]
    data = ("\n".join(lines) + "\n").encode()
    for codec in ("none", "gzip", "snappy", "lz4", "zstd"):
        topic = f"keyed-{codec}"
        create_topic(b.bootstrap, topic, 3)
        r = kcat("-b", b.bootstrap, "-P", "-t", topic, "-K:", "-z", codec, input=data)
        check(r.returncode == 0, f"kcat produced 100000 keyed messages with {codec}")
        r = kcat("-b", b.bootstrap, "-C", "-t", topic, "-e", "-q", "-K:", "-f", "%p:%k:%s\n")
        got = r.stdout.decode().splitlines()
        check(len(got) == 100000, f"{codec}: 100000 messages consumed back (got {len(got)})")
        check(sorted(g.split(":", 1)[1] for g in got) == sorted(lines),
              f"{codec}: the consumed messages are identical to those produced")
        # Per key, the order produced is the order consumed (a key maps to one partition).
        order = {}
        for g in got:
            _, k, v = g.split(":", 2)
            order.setdefault(k, []).append(int(v.split("-")[1]))
        check(all(v == sorted(v) for v in order.values()), f"{codec}: per-key order is kept")


def test_offsets_and_timestamps(b):
    topic = "stamped"
    create_topic(b.bootstrap, topic, 1)
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
    base = 1700000000000
    for i in range(10):
        p.produce(topic, value=f"m{i}", timestamp=base + i * 1000)
        p.flush()
    r = kcat("-b", b.bootstrap, "-C", "-t", topic, "-o", "7", "-e", "-q")
    check(r.stdout.decode().split() == ["m7", "m8", "m9"], "kcat -o 7 starts at offset 7")
    r = kcat("-b", b.bootstrap, "-C", "-t", topic, "-o", f"s@{base + 4000}", "-e", "-q")
    check(r.stdout.decode().split() == [f"m{i}" for i in range(4, 10)],
          "kcat -o s@<timestamp> starts at the first message at or after it")
    r = kcat("-b", b.bootstrap, "-C", "-t", topic, "-o", f"s@{base + 4500}", "-e", "-q")
    check(r.stdout.decode().split() == [f"m{i}" for i in range(5, 10)],
          "a timestamp between two messages finds the later one")


def test_admin_and_acks(b):
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
    admin.create_topics([NewTopic("admin-a", 2, 1), NewTopic("admin-b", 1, 1)])
    check({"admin-a", "admin-b"} <= set(admin.list_topics()), "KafkaAdminClient created topics")
    try:
        admin.create_topics([NewTopic("admin-rf3", 1, 3)])
        check(False, "replication factor 3 is refused")
    except Exception as e:
        check("INVALID_REPLICATION_FACTOR" in type(e).__name__ or "InvalidReplicationFactor" in
              type(e).__name__, f"replication factor 3 is refused ({type(e).__name__})")
    admin.delete_topics(["admin-b"])
    wait_until(lambda: "admin-b" not in admin.list_topics(), 10, "admin-b to be deleted")
    check("admin-b" not in admin.list_topics(), "KafkaAdminClient deleted a topic")
    admin.close()
    for acks in (0, 1, "all"):
        topic = f"acks-{acks}"
        p = KafkaProducer(bootstrap_servers=b.bootstrap, acks=acks)
        futures = [p.send(topic, f"m{i}".encode()) for i in range(1000)]
        p.flush()
        for f in futures:
            f.get(timeout=10)
        p.close()
        c = KafkaConsumer(bootstrap_servers=b.bootstrap, auto_offset_reset="earliest",
                          consumer_timeout_ms=3000)
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        got = [m.value for m in c]
        c.close()
        check(got == [f"m{i}".encode() for i in range(1000)],
              f"KafkaProducer acks={acks}: 1000 messages stored in order")


def run_member(b, name, topic, group, secs, snapshot_file="/nonexistent"):
    return subprocess.Popen([sys.executable, os.path.join(HERE, "broker_group_member.py"),
                             b.bootstrap, name, topic, group, str(secs), snapshot_file],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def member_result(proc):
    out = proc.communicate(timeout=90)[0].decode()
    for line in out.splitlines():
        if line.startswith("{"):
            return json.loads(line)
    print(out[-2000:])
    check(False, "a group member printed its result")


def test_consumer_groups(b):
    topic = "grouped"
    create_topic(b.bootstrap, topic, 3)
    p = KafkaProducer(bootstrap_servers=b.bootstrap)
    for i in range(30000):
        p.send(topic, key=str(i).encode(), value=f"v{i}".encode())
    p.flush()
    p.close()
    snapshot = os.path.join(b.workdir, "snapshot")
    m1 = run_member(b, "c1", topic, "g1", 22, snapshot)
    m2 = run_member(b, "c2", topic, "g1", 22, snapshot)
    time.sleep(6)
    m3 = run_member(b, "c3", topic, "g1", 4)
    r3 = member_result(m3)
    time.sleep(4)  # the rebalance after c3's LeaveGroup settles
    open(snapshot, "w").close()
    r1, r2 = member_result(m1), member_result(m2)
    check(r1["consumed"] + r2["consumed"] + r3["consumed"] == 30000,
          f"three group members consumed every message once "
          f"({r1['consumed']}+{r2['consumed']}+{r3['consumed']})")
    check(r3["seen"], f"the third member got partitions when it joined ({r3['seen']})")
    check(r1["snapshot"] is not None and r2["snapshot"] is not None and
          sorted(r1["snapshot"] + r2["snapshot"]) == [0, 1, 2],
          f"after it left, the first two share all three partitions "
          f"({r1['snapshot']}, {r2['snapshot']})")
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g1")
    committed = [c.committed(TopicPartition(topic, i)) for i in range(3)]
    c.close()
    check(sum(committed) == 30000, f"the group's committed offsets cover everything ({committed})")
    return committed


def test_group_admin(b):
    """KafkaAdminClient's consumer-group calls: list_consumer_group_offsets
    (OffsetFetch v3, null topics for all) and delete_consumer_groups
    (DeleteGroups v1)."""
    topic = "py-admin-topic"
    create_topic(b.bootstrap, topic, 2)
    tps = [TopicPartition(topic, 0), TopicPartition(topic, 1)]
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="py-admin",
                      enable_auto_commit=False)
    c.assign(tps)  # no group membership: a commit with generation -1
    c.commit({tps[0]: OffsetAndMetadata(11, ""), tps[1]: OffsetAndMetadata(12, "")})
    c.close(autocommit=False)
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
    got = {tp: om.offset for tp, om in admin.list_consumer_group_offsets("py-admin").items()}
    check(got == {tps[0]: 11, tps[1]: 12},
          f"list_consumer_group_offsets lists every committed partition ({got})")
    got = admin.list_consumer_group_offsets("py-admin", partitions=[tps[1]])
    check({tp: om.offset for tp, om in got.items()} == {tps[1]: 12},
          "list_consumer_group_offsets lists the partitions asked for")

    member = KafkaConsumer(topic, bootstrap_servers=b.bootstrap, group_id="py-admin-active")
    wait_until(lambda: member.poll(100) is not None and len(member.assignment()) == 2, 30,
               "a group member to get both partitions")  # poll() returns a dict
    res = dict(admin.delete_consumer_groups(["py-admin", "py-admin-missing", "py-admin-active"]))
    check(res == {"py-admin": NoError, "py-admin-missing": GroupIdNotFoundError,
                  "py-admin-active": NonEmptyGroupError},
          f"delete_consumer_groups: deleted, not found, not empty ({res})")
    check(admin.list_consumer_group_offsets("py-admin") == {},
          "a deleted group has no offsets")
    member.close()
    res = dict(admin.delete_consumer_groups(["py-admin-active"]))
    check(res == {"py-admin-active": NoError},
          f"delete_consumer_groups deletes a group once its member left ({res})")
    admin.close()


def test_idempotent_producer(b):
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "enable.idempotence": True,
                                  "linger.ms": 5})
    errors = []
    for i in range(20000):
        p.produce("idem", key=str(i % 10), value=f"v{i}",
                  on_delivery=lambda err, msg: err and errors.append(err))
        if i % 1000 == 0:
            p.poll(0)
    p.flush(30)
    check(not errors, "confluent-kafka idempotent producer: no delivery errors")
    c = confluent_kafka.Consumer({"bootstrap.servers": b.bootstrap, "group.id": "idem-group",
                                  "auto.offset.reset": "earliest"})
    c.subscribe(["idem"])
    values = []
    end = time.time() + 20
    while len(values) < 20000 and time.time() < end:
        m = c.poll(0.5)
        if m is not None and not m.error():
            values.append(m.value().decode())
    c.close()
    check(sorted(values) == sorted(f"v{i}" for i in range(20000)),
          "confluent-kafka consumer group read every message exactly once")


def test_restart(b, committed):
    check(b.stop() == 0, "the broker stops cleanly on SIGTERM (exit 0)")
    b.start()
    r = kcat("-b", b.bootstrap, "-C", "-t", "keyed-none", "-e", "-q")
    check(len(r.stdout.decode().splitlines()) == 100000, "data is intact after a restart")
    c = KafkaConsumer(bootstrap_servers=b.bootstrap, group_id="g1")
    after = [c.committed(TopicPartition("grouped", i)) for i in range(3)]
    c.close()
    check(after == committed, f"committed offsets survive a restart ({after})")
    admin = KafkaAdminClient(bootstrap_servers=b.bootstrap)
    check(admin.list_consumer_group_offsets("py-admin") == {},
          "a deleted group's offsets stay deleted after a restart")
    admin.close()


def test_kill9_acked_survive(workdir):
    b = Broker(workdir)
    b.start()
    create_topic(b.bootstrap, "crash", 1)
    acked = []
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "acks": 1, "linger.ms": 1,
                                  "message.timeout.ms": 3000, "retries": 0})

    def on_delivery(err, msg):
        if not err:
            acked.append(msg.value().decode())
    killed = False
    for i in range(400000):
        while True:
            try:
                p.produce("crash", value=f"msg-{i}", on_delivery=on_delivery)
                break
            except BufferError:
                p.poll(0.01)
        p.poll(0)
        if not killed and len(acked) > 50000:
            b.stop(signal.SIGKILL)  # mid-stream, with messages in flight
            killed = True
            break
    p.flush(10)
    check(killed, "the broker was killed with SIGKILL while a producer was sending")
    b.start()
    r = kcat("-b", b.bootstrap, "-C", "-t", "crash", "-e", "-q")
    stored = set(r.stdout.decode().splitlines())
    missing = [m for m in acked if m not in stored]
    check(not missing, f"every acknowledged message ({len(acked)}) survived kill -9 "
                       f"({len(missing)} missing)")
    b.stop()


def test_torn_batch_recovery(workdir):
    b = Broker(workdir)
    b.start()
    create_topic(b.bootstrap, "torn", 1)
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
    for i in range(10):
        p.produce("torn", value=f"m{i}" + "y" * 200)
        p.flush()
    b.stop(signal.SIGKILL)
    seg = os.path.join(workdir, "data", "torn-0", "00000000000000000000.log")
    size = os.path.getsize(seg)
    with open(seg, "r+b") as f:
        f.truncate(size - 100)  # cut the last batch in half
    b.start()
    r = kcat("-b", b.bootstrap, "-C", "-t", "torn", "-e", "-q")
    got = [x[:2] for x in r.stdout.decode().split()]
    check(got == [f"m{i}" for i in range(9)], f"a torn last batch is dropped, the rest kept ({got})")
    log = open(os.path.join(workdir, "broker.log")).read()
    check("runcat" in log, "the truncation is logged")
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
    p.produce("torn", value="after")
    p.flush()
    r = kcat("-b", b.bootstrap, "-C", "-t", "torn", "-o", "9", "-e", "-q")
    check(r.stdout.decode().split() == ["after"], "appends continue after recovery at offset 9")
    b.stop()


def test_retention(workdir):
    b = Broker(workdir, overrides=["log.retention.check.interval.ms=200"])
    b.start()
    create_topic(b.bootstrap, "short", 1, {"retention.ms": "1500", "segment.bytes": "2000"})
    p = confluent_kafka.Producer({"bootstrap.servers": b.bootstrap, "linger.ms": 0})
    for i in range(60):
        p.produce("short", value="z" * 100)
        p.flush()
    lo, hi = confluent_kafka.Consumer({"bootstrap.servers": b.bootstrap, "group.id": "x"}) \
        .get_watermark_offsets(confluent_kafka.TopicPartition("short", 0), timeout=10)
    check(lo == 0 and hi == 60, f"60 messages stored ({lo}..{hi})")
    time.sleep(2.5)
    c = confluent_kafka.Consumer({"bootstrap.servers": b.bootstrap, "group.id": "x"})

    def moved():
        lo2, _ = c.get_watermark_offsets(confluent_kafka.TopicPartition("short", 0), timeout=10)
        return lo2 > 0
    wait_until(moved, 15, "retention to delete old segments")
    lo2, hi2 = c.get_watermark_offsets(confluent_kafka.TopicPartition("short", 0), timeout=10)
    c.close()
    check(lo2 > 0 and hi2 == 60, f"retention deleted old segments: earliest offset moved to {lo2}")
    b.stop()


def test_hostile_clients(b):
    """Nothing a client sends may crash the broker: each connection below is
    closed (or answered), and the broker keeps serving everyone else."""
    import random
    import struct
    rng = random.Random(1234)

    def send_and_drain(payload, want_reply=False):
        s = socket.create_connection(("127.0.0.1", b.port), 5)
        s.settimeout(5)
        s.sendall(payload)
        got = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except socket.timeout:
            pass
        s.close()
        return got

    send_and_drain(bytes(rng.getrandbits(8) for _ in range(4000)))
    send_and_drain(struct.pack(">i", 200 * 1024 * 1024) + b"x" * 100)  # over socket.request.max.bytes
    send_and_drain(struct.pack(">i", -5))
    reply = send_and_drain(struct.pack(">ihhi", 10, 999, 0, 77) + struct.pack(">h", -1))
    check(len(reply) >= 10 and struct.unpack(">ii", reply[:8])[1] == 77 and
          struct.unpack(">h", reply[8:10])[0] == 35,
          "an unknown api key gets UNSUPPORTED_VERSION with its correlation id")
    # A Produce v7 header with a body that ends half-way through.
    header = struct.pack(">hhi", 0, 7, 5) + struct.pack(">h", 1) + b"x"
    body = struct.pack(">hhii", -1, 1, 30000, 1) + struct.pack(">h", 1) + b"t" + struct.pack(">i", 5)
    send_and_drain(struct.pack(">i", len(header) + len(body)) + header + body)
    half = socket.create_connection(("127.0.0.1", b.port), 5)
    half.sendall(struct.pack(">i", 100) + b"abc")  # then just goes away
    half.close()
    for i in range(200):  # random frames with plausible headers
        key, ver = rng.choice([0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 19, 20, 22]), rng.randrange(0, 12)
        junk = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 300)))
        frame = struct.pack(">hhi", key, ver, i) + struct.pack(">h", 0) + junk
        send_and_drain(struct.pack(">i", len(frame)) + frame)
    check(b.proc.poll() is None, "the broker survived random bytes, oversized, negative, "
                                 "truncated and 200 random frames")
    r = kcat("-b", b.bootstrap, "-L")
    check(r.returncode == 0 and "(controller)" in r.stdout.decode(),
          "the broker still serves clients afterwards")


def main():
    base = tempfile.mkdtemp(prefix="sluice-broker-e2e-")
    try:
        b = Broker(os.path.join(base, "main"))
        os.makedirs(b.workdir)
        b.start()
        test_metadata_and_codecs(b)
        test_offsets_and_timestamps(b)
        test_admin_and_acks(b)
        committed = test_consumer_groups(b)
        test_group_admin(b)
        test_idempotent_producer(b)
        test_hostile_clients(b)
        test_restart(b, committed)
        b.stop()
        for name, fn in (("kill9", test_kill9_acked_survive), ("torn", test_torn_batch_recovery),
                         ("retention", test_retention)):
            d = os.path.join(base, name)
            os.makedirs(d)
            fn(d)
        print(f"{passed} passed, 0 failed")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
