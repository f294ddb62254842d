#!/usr/bin/python3
"""End-to-end tests of the JDBC sink connector (issue 6) against a real,
throwaway MariaDB: `sluice standalone` with its embedded broker and REST
listener, connectors created with POST /connectors, records produced with
kafka-python as JsonConverter writes them (schemas enabled), and the tables
read back with the mariadb client.

Usage: jdbc_sink.py /path/to/sluice

Covers every insert.mode (insert, upsert with a harmless replay, update),
every pk.mode (none, kafka, record_key with a primitive and a struct key,
record_value), deletes by tombstone, auto.create with the reverse type
mapping, auto.evolve, the refusal of schemaless records and the validate
endpoint. The server and the worker live in private temp directories on
free 127.0.0.1 ports and are stopped by PID.
"""
import base64
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import standalone as sa  # noqa: E402  (reads the binary from sys.argv[1])
from mariadb import MariaDB  # noqa: E402
from standalone import (GroupFailed, Worker, check, free_port, group,  # noqa: E402
                        kafka_worker_sample, kill_leftovers, properties, require, wait_for)

from kafka import KafkaProducer  # noqa: E402

SINK = "io.confluent.connect.jdbc.JdbcSinkConnector"


class Api:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")


# ---- JsonConverter envelopes ---------------------------------------------------------------

def field(fname, type_, optional=False, **extra):
    return dict({"type": type_, "optional": optional, "field": fname}, **extra)


def struct(fields, name=None):
    s = {"type": "struct", "fields": fields, "optional": False}
    if name:
        s["name"] = name
    return s


def envelope(schema, payload):
    return json.dumps({"schema": schema, "payload": payload}).encode()


def decimal_b64(unscaled):
    n = (unscaled.bit_length() + 8) // 8
    return base64.b64encode(unscaled.to_bytes(n, "big", signed=True)).decode()


PERSON = struct([field("id", "int32"), field("name", "string", True),
                 field("active", "boolean", True)], "person")
PERSON2 = struct([field("id", "int32"), field("name", "string", True),
                  field("active", "boolean", True), field("email", "string", True)], "person")


def person(i, name, active=True):
    return envelope(PERSON, {"id": i, "name": name, "active": active})


class Ctx:
    def __init__(self, db, api, producer):
        self.db, self.api, self.producer = db, api, producer

    def send(self, topic, records):
        """records: (key bytes or None, value bytes or None) pairs, in order."""
        for k, v in records:
            self.producer.send(topic, key=k, value=v, partition=0)
        self.producer.flush(timeout=20)

    def create(self, name, topic, **cfg):
        conf = {"connector.class": "JdbcSinkConnector", "tasks.max": "1", "topics": topic,
                "connection.url": self.db.jdbc_url("sink"), "retry.backoff.ms": "200"}
        conf.update(cfg)
        status, body = self.api.call("POST", "/connectors", {"name": name, "config": conf})
        require(status == 201, f"POST /connectors creates {name}", f"{status} {body}")

    def rows(self, sql):
        return self.db.query(sql, database="sink")

    def wait_rows(self, sql, expected, what, timeout=15):
        last = []

        def ok():
            try:
                last[:] = [self.rows(sql)]
            except RuntimeError as e:
                last[:] = [str(e)]
            return last and last[0] == expected
        wait_for(ok, timeout, what, lambda: f"expected {expected}, last {last}")

    def task_state(self, name):
        status, body = self.api.call("GET", f"/connectors/{name}/status")
        if status != 200 or not body.get("tasks"):
            return None, ""
        t = body["tasks"][0]
        return t.get("state"), t.get("trace", "")


def g_insert_auto_create(c):
    group("insert mode, pk.mode none, auto.create with the reverse type mapping")
    schema = struct([field("id", "int32"), field("name", "string", True),
                     field("score", "double", True), field("small", "int8", True),
                     field("flag", "boolean", True), field("blob", "bytes", True),
                     field("price", "bytes", True, name="org.apache.kafka.connect.data.Decimal",
                           version=1, parameters={"scale": "2"}),
                     field("day", "int32", True, name="org.apache.kafka.connect.data.Date",
                           version=1),
                     field("at", "int32", True, name="org.apache.kafka.connect.data.Time",
                           version=1),
                     field("ts", "int64", True, name="org.apache.kafka.connect.data.Timestamp",
                           version=1)], "typed")
    recs = []
    for i in range(3):
        recs.append((None, envelope(schema, {
            "id": i, "name": f"n'{i}\\", "score": i + 0.5, "small": -i, "flag": i % 2 == 0,
            "blob": base64.b64encode(bytes([i, 255])).decode(), "price": decimal_b64(12345 + i),
            "day": 18000 + i, "at": 3723456, "ts": 1567615404000 + i})))
    recs.append((None, envelope(schema, {"id": 9, "name": None, "score": None, "small": None,
                                         "flag": None, "blob": None, "price": None, "day": None,
                                         "at": None, "ts": None})))
    c.send("typed", recs)
    c.create("sink-typed", "typed", **{"auto.create": "true"})
    c.wait_rows("SELECT id, name, score, small, flag, HEX(`blob`), price, `day`, `at`, ts FROM typed "
                "ORDER BY id",
                [["0", "n'0\\", "0.5", "0", "1", "00FF", "123.45", "2019-04-14", "01:02:03.456",
                  "2019-09-04 16:43:24.000"],
                 ["1", "n'1\\", "1.5", "-1", "0", "01FF", "123.46", "2019-04-15", "01:02:03.456",
                  "2019-09-04 16:43:24.001"],
                 ["2", "n'2\\", "2.5", "-2", "1", "02FF", "123.47", "2019-04-16", "01:02:03.456",
                  "2019-09-04 16:43:24.002"],
                 ["9", None, None, None, None, None, None, None, None, None]],
                "every row arrives with its values bound exactly (quotes and backslashes too)")
    types = c.rows("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS "
                   "WHERE TABLE_SCHEMA='sink' AND TABLE_NAME='typed' ORDER BY ORDINAL_POSITION")
    check(types == [["id", "int(11)", "NO"], ["name", "text", "YES"],
                    ["score", "double", "YES"], ["small", "tinyint(4)", "YES"],
                    ["flag", "tinyint(4)", "YES"], ["blob", "blob", "YES"],
                    ["price", "decimal(65,2)", "YES"], ["day", "date", "YES"],
                    ["at", "time(3)", "YES"], ["ts", "datetime(3)", "YES"]],
          "auto.create maps the Connect types as Confluent's MySQL dialect does", types)


def g_upsert_replay_evolve(c):
    group("upsert with pk.mode record_value, a harmless replay, auto.evolve")
    batch = [(None, person(1, "ann")), (None, person(2, "bob")), (None, person(1, "anna", False))]
    c.send("people", batch)
    c.create("sink-people", "people", **{"insert.mode": "upsert", "pk.mode": "record_value",
                                         "pk.fields": "id", "auto.create": "true",
                                         "auto.evolve": "true", "batch.size": "2"})
    c.wait_rows("SELECT id, name, active FROM people ORDER BY id",
                [["1", "anna", "0"], ["2", "bob", "1"]], "upsert keeps one row per key, last wins")
    pk = c.rows("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE "
                "TABLE_SCHEMA='sink' AND TABLE_NAME='people' AND CONSTRAINT_NAME='PRIMARY'")
    check(pk == [["id"]], "the created table's primary key is pk.fields", pk)
    c.send("people", batch)  # a replay of the same records, as after a crash
    c.send("people", [(None, envelope(PERSON2, {"id": 3, "name": "cy", "active": True,
                                               "email": "cy@x"}))])
    c.wait_rows("SELECT id, name, active, email FROM people ORDER BY id",
                [["1", "anna", "0", None], ["2", "bob", "1", None], ["3", "cy", "1", "cy@x"]],
                "the replay changes nothing and a new optional field becomes a new column")


def g_update_record_key_struct(c):
    group("update mode, pk.mode record_key with a struct key")
    c.db.sql("CREATE TABLE accounts (region VARCHAR(10) NOT NULL, id INT NOT NULL, "
             "balance BIGINT, PRIMARY KEY(region, id)); INSERT INTO accounts VALUES "
             "('eu', 1, 10), ('us', 1, 20)", database="sink")
    key_schema = struct([field("region", "string"), field("id", "int32")])
    val_schema = struct([field("balance", "int64", True)])

    def rec(region, i, bal):
        return (envelope(key_schema, {"region": region, "id": i}),
                envelope(val_schema, {"balance": bal}))
    c.send("accounts", [rec("eu", 1, 11), rec("us", 1, 21), rec("eu", 1, 12), rec("xx", 5, 1)])
    c.create("sink-accounts", "accounts", **{"insert.mode": "update", "pk.mode": "record_key"})
    c.wait_rows("SELECT region, id, balance FROM accounts ORDER BY region",
                [["eu", "1", "12"], ["us", "1", "21"]],
                "UPDATE changes existing rows by key and inserts nothing")


def g_delete_primitive_key(c):
    group("deletes: pk.mode record_key with a primitive key, delete.enabled")
    ks = {"type": "int64", "optional": False}

    def key(i):
        return envelope(ks, i)
    c.send("gone", [(key(7), None), (key(1), person(1, "a")), (key(2), person(2, "b")), (key(3), person(3, "c")),
                    (key(2), None), (key(4), person(4, "d")), (key(4), None), (key(4), None),
                    (key(5), person(5, "e"))])
    c.create("sink-gone", "gone", **{"insert.mode": "upsert", "pk.mode": "record_key",
                                     "pk.fields": "k", "delete.enabled": "true",
                                     "auto.create": "true"})
    c.wait_rows("SELECT k, name FROM gone ORDER BY k",
                [["1", "a"], ["3", "c"], ["5", "e"]],
                "tombstones delete their key's row, in order with the writes around them "
                "(one before the table exists is a no-op)")


def g_many_batches_in_order(c):
    group("many puts and hand-offs to the writer thread: writes and tombstones stay in order")
    ks = {"type": "int64", "optional": False}
    events, last = [], {}
    for i in range(3000):
        k = i % 37
        if i % 5 == 4:
            events.append((envelope(ks, k), None))
            last.pop(k, None)
        else:
            events.append((envelope(ks, k), person(k, f"v{i}")))
            last[k] = f"v{i}"
    c.send("churn", events)
    c.create("sink-churn", "churn", **{"insert.mode": "upsert", "pk.mode": "record_key",
                                       "pk.fields": "k", "delete.enabled": "true",
                                       "auto.create": "true", "batch.size": "7"})
    c.wait_rows("SELECT k, name FROM churn ORDER BY k",
                [[str(k), last[k]] for k in sorted(last)],
                "each key holds its last write, or is gone when its last record is a tombstone",
                timeout=30)
    check(c.task_state("sink-churn")[0] == "RUNNING", "the task keeps running",
          lambda: str(c.task_state("sink-churn")))


def g_kafka_pk(c):
    group("pk.mode kafka, table.name.format, fields.whitelist")
    c.send("coords", [(None, person(i, f"p{i}")) for i in range(4)])
    c.create("sink-coords", "coords", **{"pk.mode": "kafka", "auto.create": "true",
                                         "table.name.format": "kafka_${topic}",
                                         "fields.whitelist": "name"})
    c.wait_rows("SELECT __connect_topic, __connect_partition, __connect_offset, name "
                "FROM kafka_coords ORDER BY __connect_offset",
                [["coords", "0", str(i), f"p{i}"] for i in range(4)],
                "each row carries its topic, partition and offset as key and only the listed field")


def g_timezone(c):
    group("db.timezone: Timestamps written as wall-clock time of that zone")
    schema = struct([field("id", "int32"),
                     field("ts", "int64", name="org.apache.kafka.connect.data.Timestamp",
                           version=1)])
    c.send("tz", [(None, envelope(schema, {"id": 1, "ts": 1567615404000}))])
    c.create("sink-tz", "tz", **{"auto.create": "true", "db.timezone": "+02:00"})
    c.wait_rows("SELECT id, ts FROM tz", [["1", "2019-09-04 18:43:24.000"]],
                "16:43:24 UTC lands as 18:43:24 with db.timezone=+02:00")


def g_retries_and_atomicity(c):
    group("max.retries: a failing batch is rolled back whole, retried, then fails the task")
    c.db.sql("CREATE TABLE dup (id INT NOT NULL PRIMARY KEY, name TEXT, active TINYINT);"
             "INSERT INTO dup VALUES (1, 'old', 1)", database="sink")
    c.send("dup", [(None, person(100, "new")), (None, person(1, "clash"))])
    c.create("sink-dup", "dup", **{"max.retries": "2", "retry.backoff.ms": "100",
                                   "pk.mode": "record_value", "pk.fields": "id"})
    wait_for(lambda: c.task_state("sink-dup")[0] == "FAILED", 20,
             "a duplicate key in insert mode fails the task once the retries are used up",
             lambda: str(c.task_state("sink-dup")))
    trace = c.task_state("sink-dup")[1]
    check("Duplicate entry" in trace and "after 2 retries" in trace,
          "the trace gives the database's error and the retries made", trace[:2000])
    check(c.rows("SELECT id, name FROM dup ORDER BY id") == [["1", "old"]],
          "the record before the failing one was rolled back with it (one transaction)",
          lambda: c.rows("SELECT id, name FROM dup ORDER BY id"))


def g_server_restart(c):
    group("the database goes away and comes back: nothing lost")
    # batch.size 50: the records sent while it is away span many batches,
    # queued for the writer thread behind the one that fails.
    c.create("sink-back", "back", **{"insert.mode": "upsert", "pk.mode": "record_value",
                                     "pk.fields": "id", "auto.create": "true",
                                     "max.retries": "100", "retry.backoff.ms": "100",
                                     "connection.backoff.ms": "100", "batch.size": "50"})
    c.send("back", [(None, person(i, f"b{i}")) for i in range(5)])
    c.wait_rows("SELECT COUNT(*) FROM back", [["5"]], "the first records arrive")
    c.db.stop()
    c.send("back", [(None, person(i, f"b{i}")) for i in range(5, 3000)])
    time.sleep(1)
    c.db.start()
    c.wait_rows("SELECT COUNT(*), MIN(id), MAX(id) FROM back", [["3000", "0", "2999"]],
                "the records produced while the server was down arrive after it is back",
                timeout=30)
    check(c.task_state("sink-back")[0] == "RUNNING", "the task kept running",
          lambda: str(c.task_state("sink-back")))


def g_refusals(c):
    group("refusals: schemaless records, a missing table, validate")
    c.send("loose", [(None, b'{"id": 1}')])
    c.create("sink-loose", "loose", **{"value.converter": "org.apache.kafka.connect.json.JsonConverter",
                                       "value.converter.schemas.enable": "false",
                                       "auto.create": "true"})
    wait_for(lambda: c.task_state("sink-loose")[0] == "FAILED", 15,
             "a record without a value schema fails the task",
             lambda: str(c.task_state("sink-loose")))
    trace = c.task_state("sink-loose")[1]
    check("non-null Struct value and non-null Struct schema" in trace and
          "topic loose, partition 0, offset 0" in trace,
          "the trace says why and names topic, partition and offset", trace[:2000])

    c.send("nowhere", [(None, person(1, "x"))])
    c.create("sink-nowhere", "nowhere", **{"max.retries": "0"})
    wait_for(lambda: c.task_state("sink-nowhere")[0] == "FAILED", 15,
             "a missing table without auto.create fails the task",
             lambda: str(c.task_state("sink-nowhere")))
    trace = c.task_state("sink-nowhere")[1]
    check("Table nowhere is missing and auto-creation is disabled" in trace, "with that reason",
          trace[:2000])
    check("isea" not in trace, "the trace holds no password")

    status, body = c.api.call("PUT", "/connector-plugins/JdbcSinkConnector/config/validate", {
        "connector.class": "JdbcSinkConnector", "name": "v", "topics": "t",
        "connection.url": c.db.jdbc_url("sink"), "delete.enabled": "true", "pk.mode": "none"})
    errs = {cfg["value"]["name"]: cfg["value"]["errors"] for cfg in (body or {}).get("configs", [])}
    check(status == 200 and any("record_key" in e for e in errs.get("delete.enabled", [])),
          "validate refuses delete.enabled without pk.mode=record_key", f"{status} {body}")
    status, body = c.api.call("PUT", "/connector-plugins/JdbcSinkConnector/config/validate", {
        "connector.class": "JdbcSinkConnector", "name": "v", "topics": "t",
        "connection.url": c.db.jdbc_url("sink").replace("password=isea", "password=wrong")})
    errs = {cfg["value"]["name"]: cfg["value"]["errors"] for cfg in (body or {}).get("configs", [])}
    url_errs = errs.get("connection.url", [])
    check(status == 200 and url_errs and "wrong" not in json.dumps(url_errs),
          "validate reports bad credentials on connection.url without echoing them",
          f"{status} {url_errs}")


def g_confluent_keys(c):
    group("quote.sql.identifiers, date.timezone, table.types")
    schema = struct([field("id", "int32"),
                     field("day", "int32", name="org.apache.kafka.connect.data.Date", version=1)])
    c.send("days", [(None, envelope(schema, {"id": 1, "day": 18000}))])
    c.create("sink-days", "days", **{"auto.create": "true", "db.timezone": "-05:00",
                                     "quote.sql.identifiers": "never"})
    c.wait_rows("SELECT id, day FROM days", [["1", "2019-04-13"]],
                "date.timezone=DB_TIMEZONE writes the date midnight UTC has in db.timezone")
    c.create("sink-days-utc", "days", **{"auto.create": "true", "db.timezone": "-05:00",
                                         "date.timezone": "UTC",
                                         "table.name.format": "days_utc"})
    c.wait_rows("SELECT id, day FROM days_utc", [["1", "2019-04-14"]],
                "date.timezone=UTC writes the day as it is")
    c.send("select", [(None, person(1, "x"))])
    c.create("sink-reserved", "select", **{"auto.create": "true", "max.retries": "0",
                                           "quote.sql.identifiers": "never"})
    wait_for(lambda: c.task_state("sink-reserved")[0] == "FAILED", 15,
             "quote.sql.identifiers=never writes names unquoted (a reserved word fails)",
             lambda: str(c.task_state("sink-reserved")))
    trace = c.task_state("sink-reserved")[1]
    check("CREATE TABLE select" in trace or "syntax" in trace, "with the server's syntax error",
          trace[:2000])
    c.db.sql("CREATE TABLE base (id INT NOT NULL PRIMARY KEY, name TEXT, active TINYINT);"
             "CREATE VIEW v_people AS SELECT id, name, active FROM base", database="sink")
    c.send("viewed", [(None, person(1, "via view"))])
    c.create("sink-view-no", "viewed", **{"table.name.format": "v_people", "max.retries": "0"})
    wait_for(lambda: c.task_state("sink-view-no")[0] == "FAILED", 15,
             "with table.types=TABLE a view counts as missing",
             lambda: str(c.task_state("sink-view-no")))
    check("Table v_people is missing" in c.task_state("sink-view-no")[1], "so says the trace",
          lambda: c.task_state("sink-view-no")[1][:2000])
    c.create("sink-view", "viewed", **{"table.name.format": "v_people", "table.types": "VIEW"})
    c.wait_rows("SELECT id, name FROM base", [["1", "via view"]],
                "with table.types=VIEW the rows go through the view")
    status, body = c.api.call("PUT", "/connector-plugins/JdbcSinkConnector/config/validate", {
        "connector.class": "JdbcSinkConnector", "name": "v", "topics": "t",
        "connection.url": c.db.jdbc_url("sink"), "timestamp.fields.list": "a,b",
        "timestamp.precision.mode": "nanoseconds", "dialect.name": "MySqlDatabaseDialect",
        "trim.sensitive.log": "true", "quote.sql.identifiers": "sometimes"})
    errs = {cfg["value"]["name"]: cfg["value"]["errors"] for cfg in (body or {}).get("configs", [])}
    check(status == 200 and errs.get("timestamp.fields.list") == [] and
          errs.get("dialect.name") == [] and errs.get("trim.sensitive.log") == [] and
          errs.get("quote.sql.identifiers"),
          "validate knows Confluent's other sink keys and refuses a bad quote.sql.identifiers",
          f"{status} {errs}")


def run_with_mariadb(prefix, body):
    """Runs body(d, db, state) with a temp dir d and a throwaway MariaDB db;
    body keeps its running Worker in state["worker"] (None once stopped).
    Stops what is left, prints the worker's log on failure and the totals;
    returns the exit status."""
    start = time.time()
    d = tempfile.mkdtemp(prefix=prefix)
    db = None
    state = {}
    try:
        db = MariaDB()
        body(d, db, state)
    except GroupFailed:
        pass
    finally:
        w = state.get("worker")
        if w is not None and w.alive():
            print(sa.tail(w.stderr()))
            w.stop()
        kill_leftovers()
        if db is not None:
            db.close()
        if sa.failed:
            for name in os.listdir(d):
                if name.endswith(".err"):
                    with open(os.path.join(d, name), errors="replace") as f:
                        print(f"--- {name} (tail)\n{sa.tail(f.read(), 6000)}")
        shutil.rmtree(d, ignore_errors=True)
    print(f"{sa.passed} passed, {len(sa.failed)} failed in {time.time() - start:.1f}s")
    for f in sa.failed:
        print(f"FAILED: {f}")
    return 1 if sa.failed else 0


def sink_groups(d, db, state):
    db.sql("CREATE DATABASE sink")
    bport, rport = free_port(), free_port()
    # Kafka's sample worker file: JsonConverter with schemas, as the records are produced.
    wf = properties(d, "worker.properties", None, kafka_worker_sample(
        bport, rport, f"{d}/connect.offsets", "offset.flush.interval.ms=500\n"))
    w = state["worker"] = Worker(d, wf).start()
    producer = KafkaProducer(bootstrap_servers=f"127.0.0.1:{bport}", acks="all",
                             api_version_auto_timeout_ms=20000)
    c = Ctx(db, Api(rport), producer)
    for g in (g_insert_auto_create, g_upsert_replay_evolve, g_update_record_key_struct,
              g_delete_primitive_key, g_many_batches_in_order, g_kafka_pk, g_timezone, g_retries_and_atomicity,
              g_server_restart, g_refusals, g_confluent_keys):
        try:
            g(c)
        except GroupFailed:
            pass
    producer.close(timeout=10)
    rc = w.stop()
    state["worker"] = None
    check(rc == 0, "the worker exits 0 on SIGTERM", rc)


def main():
    return run_with_mariadb("sl-jsink-", sink_groups)


if __name__ == "__main__":
    sys.exit(main())
