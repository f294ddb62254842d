#!/usr/bin/python3
"""JdbcSinkConnector benchmark (issue 6): upsert ROWS records (JsonConverter
with schemas, 5 fields) from a topic into a table through `sluice
standalone`, timed from the worker's start until the table holds them all,
next to `LOAD DATA LOCAL INFILE` of the same rows into an identical table
with the `mariadb` client.

    bench/jdbc_sink.py /path/to/release/sluice [ROWS]     (default 1000000)

The records are produced with kcat into the worker's embedded broker first;
the worker is then restarted with the sink connector and the clock starts.
Prints a Markdown row for docs/BENCHMARKS.md. Uses the throwaway server of
tests/e2e/mariadb.py (local_infile switched on with SET GLOBAL); everything
it starts it stops by PID.
"""
import json
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

TABLE = ("(id BIGINT PRIMARY KEY, name VARCHAR(32) NOT NULL, amount DECIMAL(12,2) NOT NULL,"
         " created DATETIME(3) NOT NULL, flag INT NOT NULL)")
SCHEMA = {"type": "struct", "optional": False, "name": "row", "fields": [
    {"field": "id", "type": "int64", "optional": False},
    {"field": "name", "type": "string", "optional": False},
    {"field": "amount", "type": "bytes", "optional": False,
     "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": {"scale": "2"}},
    {"field": "created", "type": "int64", "optional": False,
     "name": "org.apache.kafka.connect.data.Timestamp", "version": 1},
    {"field": "flag", "type": "int32", "optional": False}]}
EPOCH_2024 = 1704067200000


def decimal_b64(unscaled):
    import base64
    n = (unscaled.bit_length() + 8) // 8
    return base64.b64encode(unscaled.to_bytes(n, "big", signed=True)).decode()


def start_worker(d, props, connector=None):
    args = [sluice, "standalone", props] + ([connector] if connector else [])
    err = open(os.path.join(d, "worker.err"), "ab")
    p = subprocess.Popen(args, cwd=d, stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.time() + 60
    while time.time() < deadline:
        with open(os.path.join(d, "worker.err"), errors="replace") as f:
            if "started in" in f.read():
                return p
        time.sleep(0.02)
    p.kill()
    raise RuntimeError("the worker did not start")


def stop(p):
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=120)


d = tempfile.mkdtemp(prefix="sl-jsink-bench-")
worker = None
with MariaDB() as db:
    try:
        db.sql("SET GLOBAL local_infile = 1; CREATE DATABASE bench")
        db.sql(f"CREATE TABLE t_load {TABLE}; CREATE TABLE t {TABLE}", "bench")
        csv = os.path.join(d, "rows.tsv")
        records = os.path.join(d, "records.json")
        schema = json.dumps(SCHEMA, separators=(",", ":"))
        with open(csv, "w") as c, open(records, "w") as r:
            for i in range(1, rows + 1):
                ms = EPOCH_2024 + i * 1000
                c.write(f"{i}\tname-{i}\t{i // 100}.{i % 100:02d}\t"
                        f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(ms / 1000))}.000\t"
                        f"{i % 7}\n")
                payload = json.dumps({"id": i, "name": f"name-{i}", "amount": decimal_b64(i),
                                      "created": ms, "flag": i % 7}, separators=(",", ":"))
                r.write('{"schema":' + schema + ',"payload":' + payload + "}\n")
        t0 = time.time()
        subprocess.run(db.client_args("bench") + ["--local-infile=1", "-e",
                       f"LOAD DATA LOCAL INFILE '{csv}' INTO TABLE t_load"], check=True)
        load_s = time.time() - t0
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        props = os.path.join(d, "w.properties")
        with open(props, "w") as f:
            f.write(f"bootstrap.servers={bs}\nlisteners=http://127.0.0.1:{rport}\n"
                    "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                    f"offset.storage.file.filename={d}/offsets\n")
        conn = os.path.join(d, "c.properties")
        with open(conn, "w") as f:
            f.write("name=bench-sink\nconnector.class=JdbcSinkConnector\ntasks.max=1\n"
                    f"topics=rows\nconnection.url={db.jdbc_url('bench')}\n"
                    "table.name.format=t\ninsert.mode=upsert\npk.mode=record_value\npk.fields=id\n")
        worker = start_worker(d, props)
        subprocess.run(["kcat", "-P", "-b", bs, "-t", "rows", "-p", "0", "-z", "lz4",
                        "-X", "linger.ms=50", "-l", records], check=True, timeout=600)
        stop(worker)
        os.remove(records)
        t0 = time.time()
        worker = start_worker(d, props, conn)
        while True:
            n = int(db.query("SELECT COUNT(*) FROM t", "bench")[0][0])
            if n >= rows:
                break
            with open(os.path.join(d, "worker.err"), errors="replace") as f:
                log = f.read()
            if worker.poll() is not None or "Task failed" in log:
                raise RuntimeError("the sink failed; worker.err:\n" + log[-3000:])
            time.sleep(0.2)
        sink_s = time.time() - t0
        same = db.query("SELECT (SELECT COUNT(*) FROM t JOIN t_load USING (id, name, amount, "
                        "created, flag))", "bench")[0][0]
        stop(worker)
        worker = None
        print(f"| {rows:,} rows upserted | {sink_s:.2f} s ({rows / sink_s:,.0f} rows/s) | "
              f"LOAD DATA LOCAL INFILE {load_s:.2f} s ({rows / load_s:,.0f} rows/s) | "
              f"{100 * load_s / sink_s:.0f} % of LOAD DATA | identical rows: {same} |")
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
        shutil.rmtree(d, ignore_errors=True)
