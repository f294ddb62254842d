#!/usr/bin/python3
"""JdbcSourceConnector benchmark (issue 6): stream a ROWS-row, 5-column table in
bulk mode to a topic through `sluice standalone`, next to the time the
`mariadb` client takes to dump the same table to /dev/null with --quick.

    bench/jdbc_source.py /path/to/release/sluice [ROWS [RUNS]]   (1000000, 5)

Both sides run RUNS times, alternating (a dump, then a worker run), so that
a noisy spell of the machine hits both; the ratio is of the medians, and
the best runs are compared too.

Environment: BATCH_MAX_ROWS (default 10000), SCHEMAS (default true: JsonConverter
with schemas), BENCH_WRAP (a command put before the worker, e.g. perf record).

The worker is timed from its exec until the topic's end offset reaches ROWS,
asked every 10 ms over one open connection (confluent-kafka). The CPU time of
the worker's threads and of mariadbd during the run is printed too, since the
two CPUs are shared by all of them. Prints Markdown rows for
docs/BENCHMARKS.md. Uses the throwaway server of tests/e2e/mariadb.py;
everything it starts it stops by PID.
"""
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import confluent_kafka

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from mariadb import MariaDB, free_port  # noqa: E402

sluice = os.path.abspath(sys.argv[1])
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
batch = int(os.environ.get("BATCH_MAX_ROWS", "10000"))
schemas = os.environ.get("SCHEMAS", "true")
TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(path):
    """utime + stime, in seconds, of /proc/.../stat at path."""
    with open(path) as f:
        st = f.read()
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def threads_of(pid):
    """[(name, cpu seconds, minor faults)] of pid's threads."""
    out = []
    for tid in sorted(os.listdir(f"/proc/{pid}/task"), key=int):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            name = f.read().strip()
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            st = f.read()
        minflt = int(st[st.rindex(")") + 2:].split()[7])
        out.append((name, cpu_of(f"/proc/{pid}/task/{tid}/stat"), minflt))
    return out


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_worker(db, d):
    """One timed run; returns (seconds, worker threads, mariadbd cpu, peak RSS MB)."""
    bport, rport = free_port(), free_port()
    bs = f"127.0.0.1:{bport}"
    with open(os.path.join(d, "w.properties"), "w") as f:
        f.write(f"bootstrap.servers={bs}\nlisteners=http://127.0.0.1:{rport}\n"
                f"log.dirs={d}/data\n"
                "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                f"key.converter.schemas.enable={schemas}\n"
                f"value.converter.schemas.enable={schemas}\n"
                f"offset.storage.file.filename={d}/offsets\n")
    with open(os.path.join(d, "c.properties"), "w") as f:
        f.write("name=bench\nconnector.class=JdbcSourceConnector\n"
                f"connection.url=jdbc:mysql://127.0.0.1:{db.port}/bench?user=root"
                "&password=isea\nmode=bulk\ntable.whitelist=t\ntopic.prefix=bench-\n"
                f"poll.interval.ms=3600000\nbatch.max.rows={batch}\n")
    err = open(os.path.join(d, "worker.err"), "wb")
    prefix = os.environ.get("BENCH_WRAP", "").split()
    os.sync()  # the table's dirty pages would slow whichever run comes first
    mysqld_cpu0 = cpu_of(f"/proc/{db.proc.pid}/stat")
    t0 = time.time()
    worker = subprocess.Popen(prefix + [sluice, "standalone", "w.properties", "c.properties"],
                              cwd=d, stdout=err, stderr=err)
    consumer = None
    try:
        tp = confluent_kafka.TopicPartition("bench-t", 0)
        while True:
            if worker.poll() is not None or time.time() - t0 > 600:
                raise SystemExit("the worker stopped or took too long; see " + d)
            try:
                if consumer is None:
                    consumer = confluent_kafka.Consumer({"bootstrap.servers": bs,
                                                         "group.id": "bench",
                                                         "log_level": 0})
                end = consumer.get_watermark_offsets(tp, timeout=1, cached=False)[1]
            except confluent_kafka.KafkaException:
                end = 0
            if end >= rows:
                break
            time.sleep(0.01)
        el = time.time() - t0
        mysqld_cpu = cpu_of(f"/proc/{db.proc.pid}/stat") - mysqld_cpu0
        pid = worker.pid
        if os.environ.get("BENCH_LOG"):
            shutil.copy(os.path.join(d, "worker.err"), os.environ["BENCH_LOG"])
        return el, threads_of(pid), mysqld_cpu, peak_rss(pid)
    finally:
        if consumer is not None:
            consumer.close()
        stop(worker)


d = tempfile.mkdtemp(prefix="sl-jdbc-bench-")
with MariaDB() as db:
    try:
        db.sql("CREATE DATABASE bench")
        db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL,"
               " amount DECIMAL(12,2) NOT NULL, created DATETIME(3) NOT NULL, flag INT NOT NULL);"
               f"INSERT INTO t SELECT seq, CONCAT('name-', seq), seq / 100,"
               " '2024-01-01' + INTERVAL seq SECOND, seq % 7 FROM seq_1_to_" + str(rows), "bench")
        os.sync()
        dumps, results = [], []
        for i in range(runs):
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            m0 = cpu_of(f"/proc/{db.proc.pid}/stat")
            t0 = time.time()
            with open(os.devnull, "wb") as null:
                subprocess.run(db.client_args("bench") + ["--quick", "-e", "SELECT * FROM t"],
                               stdout=null, check=True)
            el = time.time() - t0
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            client = c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime
            mysqld = cpu_of(f"/proc/{db.proc.pid}/stat") - m0
            dumps.append(el)
            print(f"dump {i + 1}: {el:.3f} s (client CPU {client:.2f} s, mariadbd CPU "
                  f"{mysqld:.2f} s)", file=sys.stderr)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            el, threads, mysqld_cpu, rss = run_worker(db, d)
            busy = ", ".join(f"{n} {c:.2f} ({f} faults)" for n, c, f in threads if c >= 0.01)
            print(f"run {i + 1}: {el:.3f} s, peak RSS {rss} MB; CPU s: {busy}; "
                  f"mariadbd {mysqld_cpu:.2f}", file=sys.stderr)
            results.append((el, rss))
        dump_med, dump_best = statistics.median(dumps), min(dumps)
        med = statistics.median(r[0] for r in results)
        best = min(r[0] for r in results)
        rss = max(r[1] for r in results)
        print(f"| rows | `mariadb --quick` to /dev/null, median (best) of {runs} | sluice bulk → "
              "topic incl. worker start, median (best) | ratio of medians (of bests) | "
              "worker peak RSS |")
        print("|---|---|---|---|---|")
        print(f"| {rows} | {dump_med:.2f} s ({dump_best:.2f} s), {rows / dump_med:,.0f} rows/s | "
              f"{med:.2f} s ({best:.2f} s), {rows / med:,.0f} rows/s | "
              f"{100 * dump_med / med:.0f} % ({100 * dump_best / best:.0f} %) | {rss} MB |")
    finally:
        shutil.rmtree(d, ignore_errors=True)
