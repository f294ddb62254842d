#!/usr/bin/python3
"""JdbcSourceConnector benchmark (issue 6): stream a ROWS-row, 5-column table in
bulk mode to a topic through `sluice standalone`, next to the time the
`mariadb` client takes to dump the same table to /dev/null with --quick.

    bench/jdbc_source.py /path/to/release/sluice [ROWS]     (default 1000000)

Prints a Markdown row for docs/BENCHMARKS.md. Uses the throwaway server of
tests/e2e/mariadb.py; everything it starts it stops by PID.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from mariadb import MariaDB, free_port  # noqa: E402

sluice = os.path.abspath(sys.argv[1])
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1000000


def end_offset(bs, topic):
    r = subprocess.run(["kcat", "-b", bs, "-Q", "-t", f"{topic}:0:-1"], capture_output=True,
                       timeout=30)
    out = r.stdout.decode()
    try:
        return int(out.rsplit("offset", 1)[1].split()[0])
    except (IndexError, ValueError):
        return 0


d = tempfile.mkdtemp(prefix="sl-jdbc-bench-")
worker = None
with MariaDB() as db:
    try:
        db.sql("CREATE DATABASE bench")
        db.sql("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL,"
               " amount DECIMAL(12,2) NOT NULL, created DATETIME(3) NOT NULL, flag INT NOT NULL);"
               f"INSERT INTO t SELECT seq, CONCAT('name-', seq), seq / 100,"
               " '2024-01-01' + INTERVAL seq SECOND, seq % 7 FROM seq_1_to_" + str(rows), "bench")
        best = None
        for _ in range(3):
            t0 = time.time()
            with open(os.devnull, "wb") as null:
                subprocess.run(db.client_args("bench") + ["--quick", "-e", "SELECT * FROM t"],
                               stdout=null, check=True)
            el = time.time() - t0
            best = el if best is None else min(best, el)
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        with open(os.path.join(d, "w.properties"), "w") as f:
            f.write(f"bootstrap.servers={bs}\nlisteners=http://127.0.0.1:{rport}\n"
                    "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    f"offset.storage.file.filename={d}/offsets\n")
        with open(os.path.join(d, "c.properties"), "w") as f:
            f.write("name=bench\nconnector.class=JdbcSourceConnector\n"
                    f"connection.url=jdbc:mysql://127.0.0.1:{db.port}/bench?user=root"
                    "&password=isea\nmode=bulk\ntable.whitelist=t\ntopic.prefix=bench-\n"
                    "poll.interval.ms=3600000\nbatch.max.rows=10000\n")
        err = open(os.path.join(d, "worker.err"), "wb")
        prefix = os.environ.get("BENCH_WRAP", "").split()
        worker = subprocess.Popen(prefix + [sluice, "standalone", "w.properties", "c.properties"], cwd=d,
                                  stdout=err, stderr=err)
        t0 = time.time()
        while end_offset(bs, "bench-t") < rows:
            if worker.poll() is not None or time.time() - t0 > 600:
                raise SystemExit("the worker stopped or took too long; see " + d)
            time.sleep(0.2)
        el = time.time() - t0
        rss = "?"
        with open(f"/proc/{worker.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss = f"{int(line.split()[1]) // 1024} MB"
        print("| rows | `mariadb --quick` to /dev/null (best of 3) | sluice bulk → topic "
              "(incl. worker start) | ratio | worker peak RSS |")
        print("|---|---|---|---|---|")
        print(f"| {rows} | {best:.2f} s ({rows / best:,.0f} rows/s) | {el:.2f} s "
              f"({rows / el:,.0f} rows/s) | {100 * best / el:.0f} % | {rss} |")
    finally:
        if worker and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        shutil.rmtree(d, ignore_errors=True)
