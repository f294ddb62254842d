#!/usr/bin/python3
"""End-to-end tests of the JdbcSourceConnector (plugins/jdbc) against a real,
throwaway MariaDB server and `sluice standalone` with its embedded broker.

Usage: jdbc_source.py /path/to/sluice

Checks: issue 6's seed example posted verbatim through REST, its record in
mysql.login byte for byte (kcat); rows inserted while running; incrementing,
timestamp+incrementing, bulk and query modes with Confluent's type mapping;
resume after a worker restart without duplicates; a database restart in
mid-stream; validate errors. Each check prints "ok:" or "FAIL:"; the exit
status is 1 when anything failed. The check, worker and kcat helpers come from
standalone.py, the database from mariadb.py (same directory).
"""
import base64
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import standalone as sa  # noqa: E402  (reads the binary from sys.argv[1])
from mariadb import MariaDB  # noqa: E402
from standalone import (GroupFailed, Worker, check, free_port, kcat_consume,  # noqa: E402
                        kcat_topics, kill_leftovers, properties, tail, wait_for)

JSON = "org.apache.kafka.connect.json.JsonConverter"


def rest(port, method, path, body=None):
    """(status, body) of one REST call; rest.py drives the API with curl, this
    only needs to post configs."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def payloads(bs, topic):
    """The JsonConverter payloads of topic (a line that is no envelope as is)."""
    out = []
    for line in kcat_consume(bs, topic):
        try:
            out.append(json.loads(line)["payload"])
        except (ValueError, KeyError, TypeError):
            out.append(line)
    return out


SEED_RECORD = ('{"schema":{"type":"struct","fields":[{"type":"string","optional":true,'
               '"field":"username"},{"type":"int64","optional":true,'
               '"name":"org.apache.kafka.connect.data.Timestamp","version":1,'
               '"field":"login_time"}],"optional":false,"name":"login"},'
               '"payload":{"username":"isea","login_time":1567615404000}}')


def main():
    d = tempfile.mkdtemp(prefix="sl-jdbc-src-")
    db = None
    try:
        db = MariaDB()
        db.sql("SET time_zone='+00:00';"
               "CREATE DATABASE connector;"
               "USE connector;"
               "CREATE TABLE login (username VARCHAR(64) NULL, login_time TIMESTAMP NULL);"
               "INSERT INTO login VALUES ('isea', '2019-09-04 16:43:24');"
               "CREATE TABLE items (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
               " name VARCHAR(20) NOT NULL, price DECIMAL(10,2), qty SMALLINT UNSIGNED,"
               " big BIGINT, flag BOOLEAN, ratio DOUBLE, f FLOAT, day DATE, at TIME,"
               " stamp DATETIME(3), data VARBINARY(8), note TEXT, tiny TINYINT);"
               "INSERT INTO items (name, price, qty, big, flag, ratio, f, day, at, stamp,"
               " data, note, tiny) VALUES ('a', 12.50, 65535, -9000000000, TRUE, 0.5, 1.5,"
               " '2000-03-01', '01:02:03', '2020-01-02 03:04:05.678', x'00ff', 'héllo', -5),"
               " ('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
               "CREATE TABLE events (id INT NOT NULL PRIMARY KEY, ts DATETIME(6) NOT NULL,"
               " v VARCHAR(10));"
               "INSERT INTO events VALUES (1, '2024-01-01 00:00:00', 'e1'),"
               " (2, '2024-01-01 00:00:00', 'e2'), (3, '2024-01-01 00:00:01.5', 'e3');"
               "CREATE TABLE config (k VARCHAR(10) NOT NULL, v INT NOT NULL);"
               "INSERT INTO config VALUES ('x', 1), ('y', 2);"
               "CREATE TABLE t1 (id INT AUTO_INCREMENT PRIMARY KEY, n DECIMAL(5,0),"
               " m DECIMAL(10,2), z DECIMAL(30,2));"
               "INSERT INTO t1 (n, m, z) VALUES (123, 4.25, 1.5);"
               "CREATE TABLE t2 (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(5));"
               "INSERT INTO t2 (s) VALUES ('t2');"
               "CREATE TABLE t3 (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(5));"
               "INSERT INTO t3 (s) VALUES ('t3');"
               "CREATE TABLE t5 (id INT AUTO_INCREMENT PRIMARY KEY, b BIT(1), ub BIGINT UNSIGNED,"
               " ut TINYINT UNSIGNED, mi MEDIUMINT, y YEAR, e ENUM('a','b'), lt TEXT, lb BLOB,"
               " bits BIT(12));"
               "INSERT INTO t5 (b, ub, ut, mi, y, e, lt, lb, bits) VALUES"
               " (b'1', 18446744073709551615, 255, -8388608, 2024, 'b', 'short', x'01', b'101'),"
               " (b'0', 0, 0, 0, 1999, 'a', REPEAT('é', 3000), REPEAT(x'ab', 3000), NULL);"
               "CREATE TABLE late (id INT PRIMARY KEY, ts DATETIME NOT NULL);"
               "INSERT INTO late VALUES (1, '2000-01-01 00:00:00'), (2, '2010-01-01 00:00:00'),"
               " (3, UTC_TIMESTAMP() - INTERVAL 10 SECOND), (4, UTC_TIMESTAMP() + INTERVAL 1 HOUR);"
               "CREATE VIEW v1 AS SELECT 1 AS id, CAST('2020-01-01 02:00:00' AS DATETIME) AS at;"
               "CREATE VIEW vskip AS SELECT 2 AS id;")
        bport, rport = free_port(), free_port()
        bs = f"127.0.0.1:{bport}"
        worker = properties(d, "worker.properties", {
            "bootstrap.servers": bs,
            "key.converter": JSON,
            "value.converter": JSON,
            "key.converter.schemas.enable": "true",
            "value.converter.schemas.enable": "true",
            "offset.storage.file.filename": os.path.join(d, "connect.offsets"),
            "offset.flush.interval.ms": "500",
            "listeners": f"http://127.0.0.1:{rport}",
        })
        url = f"jdbc:mysql://127.0.0.1:{db.port}/connector?user=root&password=isea"
        inc = properties(d, "inc.properties", {
            "name": "jdbc-inc", "connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector",
            "connection.url": url, "mode": "incrementing", "incrementing.column.name": "id",
            "table.whitelist": "items", "topic.prefix": "inc.", "poll.interval.ms": "200"})
        tsinc = properties(d, "tsinc.properties", {
            "name": "jdbc-tsinc", "connector.class": "JdbcSourceConnector",
            "connection.url": f"jdbc:mariadb://127.0.0.1:{db.port}/connector",
            "connection.user": "root", "connection.password": "isea",
            "mode": "timestamp+incrementing", "incrementing.column.name": "id",
            "timestamp.column.name": "ts", "table.include.list": "connector\\.events",
            "topic.prefix": "ti.", "poll.interval.ms": "200", "batch.max.rows": "2",
            "transaction.isolation.mode": "READ_COMMITTED"})
        bulk = properties(d, "bulk.properties", {
            "name": "jdbc-bulk", "connector.class": "JdbcSourceConnector",
            "connection.url": url, "mode": "bulk", "query": "SELECT k, v FROM config",
            "topic.prefix": "bulk-config", "poll.interval.ms": "60000"})

        multi = properties(d, "multi.properties", {
            "name": "jdbc-multi", "connector.class": "JdbcSourceConnector",
            "connection.url": url, "mode": "incrementing", "tasks.max": "2",
            "table.blacklist": "login,connector.items,events,config,late",
            "numeric.mapping": "best_fit", "table.poll.interval.ms": "500",
            "schema.pattern": "ignored",
            "topic.prefix": "multi.", "poll.interval.ms": "200"})
        late = properties(d, "late.properties", {
            "name": "jdbc-late", "connector.class": "JdbcSourceConnector",
            "connection.url": url, "mode": "timestamp", "timestamp.column.name": "ts",
            "table.whitelist": "late", "timestamp.initial": "946771200000",
            "timestamp.delay.interval.ms": "60000", "topic.prefix": "late-",
            "poll.interval.ms": "200"})

        views = properties(d, "views.properties", {
            "name": "jdbc-views", "connector.class": "JdbcSourceConnector",
            "connection.url": url, "mode": "bulk", "table.types": "VIEW",
            "table.include.list": "connector\\.v.*", "table.exclude.list": "connector\\.vskip",
            "quote.sql.identifiers": "never", "db.timezone": "+02:00",
            "topic.prefix": "view.", "poll.interval.ms": "60000"})

        grans = []
        for g in ("micros_long", "nanos_iso_datetime_string"):
            grans.append(properties(d, f"gran-{g}.properties", {
                "name": f"jdbc-gran-{g}", "connector.class": "JdbcSourceConnector",
                "connection.url": url, "mode": "bulk", "timestamp.granularity": g,
                "query": "SELECT id, stamp FROM items WHERE id = 1", "topic.prefix": f"gran-{g}",
                "poll.interval.ms": "60000"}))

        w = Worker(d, worker, [inc, tsinc, bulk, multi, late, views, *grans]).start()

        # ---- the seed example, verbatim but for the port ----
        seed = ('{"name":"load-mysql-data","config":{"connector.class":"JdbcSourceConnector",'
                '"connection.url":"jdbc:mysql://localhost:3306/connector?user=root&password=isea",'
                '"mode":"timestamp","validate.non.null":"false","timestamp.column.name":'
                '"login_time","table.whitelist":"login","topic.prefix":"mysql."}}')
        seed = seed.replace("localhost:3306", f"localhost:{db.port}")
        st, body = rest(rport, "POST", "/connectors", json.loads(seed))
        check(st == 201, "POST /connectors with the seed config answers 201", body)
        wait_for(lambda: len(kcat_consume(bs, "mysql.login")) >= 1, 20, "mysql.login gets a record",
                 lambda: tail(w.stderr()))
        got = kcat_consume(bs, "mysql.login")
        check(got == [SEED_RECORD], "mysql.login holds the seed record byte for byte",
              lambda: "\n".join(got))

        # ---- incrementing mode and the type mapping ----
        wait_for(lambda: len(kcat_consume(bs, "inc.items")) >= 2, 20, "inc.items gets both rows",
                 lambda: tail(w.stderr()))
        first = json.loads(kcat_consume(bs, "inc.items")[0])
        fields = {f["field"]: f for f in first["schema"]["fields"]}
        want_types = {"id": ("int32", False, None), "name": ("string", False, None),
                      "price": ("bytes", True, "org.apache.kafka.connect.data.Decimal"),
                      "qty": ("int32", True, None), "big": ("int64", True, None),
                      "flag": ("boolean", True, None), "ratio": ("double", True, None),
                      "f": ("float", True, None),
                      "day": ("int32", True, "org.apache.kafka.connect.data.Date"),
                      "at": ("int32", True, "org.apache.kafka.connect.data.Time"),
                      "stamp": ("int64", True, "org.apache.kafka.connect.data.Timestamp"),
                      "data": ("bytes", True, None), "note": ("string", True, None),
                      "tiny": ("int8", True, None)}
        got_types = {k: (f["type"], f["optional"], f.get("name")) for k, f in fields.items()}
        check(got_types == want_types, "the items schema follows Confluent's type mapping",
              lambda: json.dumps(got_types))
        check(fields["price"].get("parameters") == {"scale": "2",
                                                   "connect.decimal.precision": "10"},
              "DECIMAL(10,2) carries scale and connect.decimal.precision",
              lambda: json.dumps(fields["price"]))
        check(list(fields) == ["id", "name", "price", "qty", "big", "flag", "ratio", "f", "day",
                               "at", "stamp", "data", "note", "tiny"],
              "fields come in column order")
        want_payload = {"id": 1, "name": "a", "price": "BOI=", "qty": 65535, "big": -9000000000,
                        "flag": True, "ratio": 0.5, "f": 1.5, "day": 11017, "at": 3723000,
                        "stamp": 1577934245678, "data": "AP8=", "note": "héllo", "tiny": -5}
        check(first["payload"] == want_payload, "the first items row converts as Confluent's does",
              lambda: json.dumps(first["payload"]))
        db.sql("INSERT INTO items (name) VALUES ('c'), ('d')", "connector")
        wait_for(lambda: len(kcat_consume(bs, "inc.items")) >= 4, 10,
                 "rows inserted while running reach inc.items")
        ids = [p["id"] for p in payloads(bs, "inc.items")]
        check(ids == [1, 2, 3, 4], "inc.items holds ids 1..4 once each", str(ids))

        # ---- timestamp+incrementing, batches of 2 ----
        wait_for(lambda: len(kcat_consume(bs, "ti.events")) >= 3, 10, "ti.events gets the 3 rows")
        db.sql("INSERT INTO events VALUES (4, '2024-01-01 00:00:01.5', 'e4');"
               "UPDATE events SET ts='2024-01-02 00:00:00', v='e1b' WHERE id=1", "connector")
        wait_for(lambda: len(kcat_consume(bs, "ti.events")) >= 5, 10,
                 "an insert and an update while running reach ti.events")
        vs = [p["v"] for p in payloads(bs, "ti.events")]
        check(vs == ["e1", "e2", "e3", "e4", "e1b"], "ti.events holds e1 e2 e3 e4 e1b", str(vs))

        # ---- bulk query mode ----
        wait_for(lambda: len(kcat_consume(bs, "bulk-config")) >= 2, 10, "bulk-config gets the query rows")
        rec = json.loads(kcat_consume(bs, "bulk-config")[0])
        check(rec["payload"] == {"k": "x", "v": 1} and "name" not in rec["schema"],
              "query mode: an unnamed struct of the selected columns", json.dumps(rec))

        # ---- several tables over tasks.max tasks, new tables, numeric.mapping ----
        wait_for(lambda: all(len(kcat_consume(bs, f"multi.{t}")) >= 1 for t in ("t1", "t2", "t3", "t5")),
                 10, "the multi connector copies t1, t2, t3 and t5", lambda: tail(w.stderr()))
        st, body = rest(rport, "GET", "/connectors/jdbc-multi/status")
        ntasks = len(json.loads(body).get("tasks", [])) if st == 200 else -1
        check(ntasks == 2, "four tables over tasks.max=2 make two tasks", body)
        topics = kcat_topics(bs)
        check("multi.items" not in topics and "multi.login" not in topics,
              "blacklisted tables (bare or database.table) are not copied")
        check(re.search(r"\[jdbc-multi\] schema.pattern=ignored has no effect", w.stderr()),
              "schema.pattern is ignored for MySQL, with a warning", lambda: tail(w.stderr()))
        rec = json.loads(kcat_consume(bs, "multi.t1")[0])
        types = {f["field"]: f["type"] for f in rec["schema"]["fields"]}
        check(types == {"id": "int32", "n": "int32", "m": "double", "z": "bytes"}
              and rec["payload"]["n"] == 123 and rec["payload"]["m"] == 4.25,
              "numeric.mapping=best_fit: DECIMAL(5,0) int32, DECIMAL(10,2) double, "
              "DECIMAL(30,2) Decimal", json.dumps(rec))
        wait_for(lambda: len(kcat_consume(bs, "multi.t5")) >= 2, 10, "multi.t5 gets both rows")
        recs = [json.loads(line) for line in kcat_consume(bs, "multi.t5")]
        types = {f["field"]: (f["type"], f.get("name")) for f in recs[0]["schema"]["fields"]}
        want = {"id": ("int32", None), "b": ("boolean", None),
                "ub": ("bytes", "org.apache.kafka.connect.data.Decimal"),
                "ut": ("int16", None), "mi": ("int32", None),
                "y": ("int32", "org.apache.kafka.connect.data.Date"),
                "e": ("string", None), "lt": ("string", None), "lb": ("bytes", None),
                "bits": ("bytes", None)}
        check(types == want, "BIT(1), BIGINT/TINYINT UNSIGNED, MEDIUMINT, YEAR, ENUM, TEXT, "
              "BLOB, BIT(12) map as documented (YEAR as a Date)", json.dumps(types))
        p0, p1 = recs[0]["payload"], recs[1]["payload"]
        check(p0["b"] is True and base64.b64decode(p0["ub"]) == b"\x00" + b"\xff" * 8
              and p0["ut"] == 255 and p0["mi"] == -8388608 and p0["y"] == 19723
              and p0["e"] == "b" and base64.b64decode(p0["bits"]) == b"\x00\x05",
              "the first t5 row converts exactly", json.dumps(p0))
        check(p1["y"] == 10592, "YEAR 1999 is the Date 1999-01-01 (Connector/J's yearIsDateType)",
              json.dumps(p1)[:300])
        check(p1["b"] is False and p1["lt"] == "é" * 3000
              and base64.b64decode(p1["lb"]) == b"\xab" * 3000 and p1["bits"] is None,
              "values longer than the fetch buffer arrive whole", json.dumps(p1)[:300])
        db.sql("CREATE TABLE t4 (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(5));"
               "INSERT INTO t4 (s) VALUES ('t4')", "connector")
        wait_for(lambda: len(kcat_consume(bs, "multi.t4")) >= 1, 15,
                 "a table created while running is noticed and copied", lambda: tail(w.stderr()))
        db.sql("DROP TABLE t4", "connector")
        wait_for(lambda: len(re.findall(r"\[jdbc-multi\] The set of tables changed \(4 now\)",
                                        w.stderr())) >= 1, 10,
                 "a dropped table is noticed and the tasks reconfigured", lambda: tail(w.stderr()))

        # ---- timestamp.granularity ----
        wait_for(lambda: len(kcat_consume(bs, "gran-micros_long")) >= 1
                 and len(kcat_consume(bs, "gran-nanos_iso_datetime_string")) >= 1, 10,
                 "the timestamp.granularity connectors produce")
        a = json.loads(kcat_consume(bs, "gran-micros_long")[0])
        b = json.loads(kcat_consume(bs, "gran-nanos_iso_datetime_string")[0])
        check(a["payload"]["stamp"] == 1577934245678000
              and a["schema"]["fields"][1] == {"type": "int64", "optional": True,
                                               "field": "stamp"},
              "timestamp.granularity=micros_long gives epoch microseconds", json.dumps(a))
        check(b["payload"]["stamp"] == "2020-01-02T03:04:05.678000000"
              and b["schema"]["fields"][1]["type"] == "string",
              "timestamp.granularity=nanos_iso_datetime_string gives an ISO string",
              json.dumps(b))

        # ---- views, include/exclude lists, unquoted SQL, db.timezone ----
        wait_for(lambda: len(kcat_consume(bs, "view.v1")) >= 1, 10, "table.types=VIEW copies view v1",
                 lambda: tail(w.stderr()))
        topics = kcat_topics(bs)
        check("view.vskip" not in topics and "view.items" not in topics,
              "table.exclude.list leaves vskip out and VIEW leaves tables out")
        rec = json.loads(kcat_consume(bs, "view.v1")[0])
        check(rec["payload"] == {"id": 1, "at": 1577836800000},
              "db.timezone=+02:00 reads DATETIME 2020-01-01 02:00 as 2020-01-01T00:00Z",
              json.dumps(rec))

        # ---- timestamp.initial and timestamp.delay.interval.ms ----
        wait_for(lambda: len(kcat_consume(bs, "late-late")) >= 1, 10, "late-late gets a record")
        time.sleep(0.5)
        ids = [p["id"] for p in payloads(bs, "late-late")]
        check(ids == [2], "timestamp.initial skips older rows and the delay holds back rows "
              "newer than a minute (and future ones)", str(ids))

        # ---- offsets and a worker restart ----
        time.sleep(1.2)  # one offset flush
        rc = w.stop()
        check(rc == 0, f"the worker stops cleanly (exit {rc})")
        with open(os.path.join(d, "connect.offsets")) as f:
            offsets = [json.loads(line) for line in f if line.strip()]
        keys = {json.dumps(e["key"], sort_keys=True): e["value"] for e in offsets}
        inc_key = json.dumps(["jdbc-inc", {"protocol": "1", "table": "connector.items"}],
                             sort_keys=True)
        check(keys.get(inc_key) == {"incrementing": 4},
              "the incrementing offset is stored as Confluent stores it", json.dumps(offsets))
        ti_key = json.dumps(["jdbc-tsinc", {"protocol": "1", "table": "connector.events"}],
                            sort_keys=True)
        check(keys.get(ti_key) == {"incrementing": 1, "timestamp": 1704153600000,
                                   "timestamp_nanos": 0},
              "the timestamp+incrementing offset is stored as Confluent stores it",
              json.dumps(offsets))
        db.sql("INSERT INTO items (name) VALUES ('e');"
               "INSERT INTO events VALUES (5, '2024-01-03 00:00:00', 'e5')", "connector")
        w = Worker(d, worker, [inc, tsinc]).start()
        wait_for(lambda: len(kcat_consume(bs, "inc.items")) >= 5 and len(kcat_consume(bs, "ti.events")) >= 6,
                 15, "rows inserted while stopped arrive after the restart",
                 lambda: tail(w.stderr()))
        time.sleep(0.6)
        ids = [p["id"] for p in payloads(bs, "inc.items")]
        check(ids == [1, 2, 3, 4, 5], "after the restart inc.items has no duplicates", str(ids))
        vs = [p["v"] for p in payloads(bs, "ti.events")]
        check(vs == ["e1", "e2", "e3", "e4", "e1b", "e5"],
              "after the restart ti.events has no duplicates", str(vs))

        # ---- the database restarts in mid-stream ----
        db.stop()
        time.sleep(0.5)
        db.start()
        db.sql("INSERT INTO items (name) VALUES ('f')", "connector")
        wait_for(lambda: len(kcat_consume(bs, "inc.items")) >= 6, 20,
                 "after a database restart new rows still arrive", lambda: tail(w.stderr()))
        ids = [p["id"] for p in payloads(bs, "inc.items")]
        check(ids == [1, 2, 3, 4, 5, 6], "no row lost or repeated across the database restart",
              str(ids))

        # ---- the database is killed in mid-stream ----
        # A query whose rows take 2 ms each to produce keeps the result open
        # for about 3 s, so the kill lands while rows are being streamed.
        n = 1500
        db.sql("CREATE TABLE big (id INT AUTO_INCREMENT PRIMARY KEY, pad VARCHAR(100));"
               f"INSERT INTO big (pad) SELECT REPEAT('x', 100) FROM seq_1_to_{n}", "connector")
        st, body = rest(rport, "POST", "/connectors", {"name": "jdbc-big", "config": {
            "connector.class": "JdbcSourceConnector", "connection.url": url,
            "mode": "incrementing", "incrementing.column.name": "id",
            "query": "SELECT * FROM (SELECT id, pad, SLEEP(0.002) AS s FROM big) AS q",
            "topic.prefix": "big", "batch.max.rows": "50", "connection.backoff.ms": "200",
            "connection.attempts": "50", "poll.interval.ms": "200"}})
        check(st == 201, "the slow-query connector is created", body)
        time.sleep(1.0)  # the task starts within ~0.3 s; the result stays open ~3 s
        db.kill()
        db.start()
        wait_for(lambda: len(kcat_consume(bs, "big")) >= n, 30,
                 f"after the database was killed mid-stream, all {n} rows arrive",
                 lambda: tail(w.stderr()))
        time.sleep(0.5)
        ids = [json.loads(line)["payload"]["id"] for line in kcat_consume(bs, "big")]
        check(ids == list(range(1, n + 1)), f"each of the {n} rows arrives once, in order",
              lambda: f"{len(ids)} records; first mismatch at "
                      f"{next((i for i, v in enumerate(ids) if v != i + 1), None)}")
        check(re.search(r"\[jdbc-big\|task-0\] .*will query again", w.stderr()),
              "the kill broke the task's open result (and it queried again)",
              lambda: tail(w.stderr()))

        # ---- query.retry.attempts ----
        def task(name):
            st, body = rest(rport, "GET", f"/connectors/{name}/status")
            tasks = json.loads(body).get("tasks", []) if st == 200 else []
            return (tasks[0].get("state"), tasks[0].get("trace", "")) if tasks else (None, body)

        for name, extra in (("jdbc-retry", {"query.retry.attempts": "3"}), ("jdbc-forever", {})):
            st, body = rest(rport, "POST", "/connectors", {"name": name, "config": dict({
                "connector.class": "JdbcSourceConnector", "connection.url": url,
                "mode": "bulk", "query": "SELECT * FROM nosuch", "topic.prefix": name,
                "poll.interval.ms": "100"}, **extra)})
            check(st == 201, f"{name} (a query of a missing table) is created", body)
        wait_for(lambda: task("jdbc-retry")[0] == "FAILED", 20,
                 "query.retry.attempts=3: the task fails after its third failed query",
                 lambda: str(task("jdbc-retry")))
        trace = task("jdbc-retry")[1]
        check("Failed to query the query after 3 attempts" in trace and "nosuch" in trace,
              "the trace names the retries and the database's error", trace[:1500])
        retries = re.findall(r"\[jdbc-retry\|task-0\] .*will retry \(attempt (\d) of 3\)",
                             w.stderr())
        check(retries == ["2", "3"], "each failed attempt but the last is logged as a retry",
              str(retries))
        wait_for(lambda: len(re.findall(r"\[jdbc-forever\|task-0\] .*will retry",
                                        w.stderr())) >= 5, 20,
                 "without query.retry.attempts a failing query is retried on and on")
        check(task("jdbc-forever")[0] == "RUNNING", "... and its task stays RUNNING",
              lambda: str(task("jdbc-forever")))

        # ---- validate ----
        base = {"name": "v", "connector.class": "JdbcSourceConnector", "mode": "incrementing",
                "incrementing.column.name": "id", "topic.prefix": "v."}

        def validate(extra):
            cfg = dict(base, **extra)
            st, body = rest(rport, "PUT",
                            "/connector-plugins/JdbcSourceConnector/config/validate", cfg)
            try:
                doc = json.loads(body)
            except ValueError:
                return st, {}, body
            errs = {c["value"]["name"]: c["value"]["errors"] for c in doc.get("configs", [])
                    if c["value"]["errors"]}
            return st, errs, tail(json.dumps(errs) + " " + body, 1500)

        st, errs, body = validate({"connection.url": url, "table.whitelist": "items"})
        check(st == 200 and not errs, "validate accepts a good config", body)
        st, errs, body = validate({"connection.url": url, "mode": ""})
        check("mode" in errs, "validate requires a mode", body)
        st, errs, body = validate({"connection.url": url, "table.whitelist": "items",
                                   "table.blacklist": "login"})
        check("table.whitelist" in errs and "table.blacklist" in errs,
              "validate refuses table.whitelist with table.blacklist", body)
        st, errs, body = validate({"connection.url": url, "mode": "timestamp"})
        check("timestamp.column.name" in errs,
              "validate requires timestamp.column.name in timestamp mode", body)
        st, errs, body = validate({"connection.url": url, "table.whitelist": "login",
                                   "mode": "timestamp", "timestamp.column.name": "login_time"})
        check("timestamp.column.name" in errs and "nullable" in str(errs),
              "validate refuses a nullable timestamp column unless validate.non.null=false",
              body)
        st, errs, body = validate({"connection.url": url.replace("isea", "wrong"),
                                   "table.whitelist": "items"})
        check("connection.password" in errs and "wrong" not in json.dumps(errs),
              "validate reports bad credentials without the password", body)
        dead = free_port()
        st, errs, body = validate({"connection.url": f"jdbc:mysql://127.0.0.1:{dead}/connector",
                                   "table.whitelist": "items"})
        check(f"127.0.0.1:{dead}/connector" in json.dumps(errs.get("connection.url")),
              "validate reports an unreachable server under connection.url", body)
        st, errs, body = validate({"connection.url": url, "table.whitelist": "nosuch"})
        check("table.whitelist" in errs, "validate reports an unknown table", body)
        st, errs, body = validate({"connection.url": url, "table.whitelist": "items",
                                   "incrementing.column.name": "nope"})
        check("incrementing.column.name" in errs, "validate reports a missing column", body)
        check("isea" not in w.stderr(), "the password never appears in the worker's log")
        rc = w.stop()
        check(rc == 0, f"the worker stops cleanly after the restarts (exit {rc})")
    except GroupFailed:
        print("--- stopped at the first failed requirement", flush=True)
    finally:
        kill_leftovers()  # a worker still running after a failure, by PID
        if db:
            db.close()
        if os.environ.get("JDBC_E2E_KEEP"):
            print("kept", d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    print(f"{sa.passed} passed, {len(sa.failed)} failed", flush=True)
    for f in sa.failed:
        print(f"  failed: {f}")
    sys.exit(1 if sa.failed else 0)

if __name__ == "__main__":
    main()
