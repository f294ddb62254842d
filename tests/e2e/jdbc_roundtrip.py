#!/usr/bin/python3
"""A JDBC round trip (issue 6): table src.items in a throwaway MariaDB ->
JdbcSourceConnector (timestamp+incrementing) -> topic rt_items ->
JdbcSinkConnector (upsert, pk.mode=record_value, auto.create) -> table
dst.items in a second database of the same server, with rows inserted and
updated while both connectors run; at the end both tables must hold exactly
the same values, row by row.

Usage: jdbc_roundtrip.py /path/to/sluice

One `sluice standalone` with its embedded broker and REST listener on free
127.0.0.1 ports, in a private temp directory; everything is stopped by PID.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import standalone as sa  # noqa: E402  (reads the binary from sys.argv[1])
from jdbc_sink import Api, run_with_mariadb  # noqa: E402
from standalone import (Worker, check, free_port, group, kafka_worker_sample,  # noqa: E402
                        properties, require, wait_for)

# Every column type the round trip carries: integers of three widths, a
# decimal, strings, a date-time, and nullable columns that hold NULLs.
CREATE = """SET time_zone = '+00:00';
CREATE TABLE items (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  small SMALLINT NOT NULL,
  big BIGINT NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  name VARCHAR(50) NOT NULL,
  note VARCHAR(100) NULL,
  qty INT NULL,
  due DATETIME(3) NULL,
  updated DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3))"""

COLUMNS = "id, small, big, price, name, note, qty, due, updated"


def insert_rows(db, first, n):
    values = []
    for i in range(first, first + n):
        note = "NULL" if i % 3 == 0 else f"'note {i} \\\\ ''q'''"
        qty = "NULL" if i % 4 == 0 else str(i * 7 - 100)
        due = ("NULL" if i % 5 == 0 else
               f"'2024-0{1 + i % 9}-1{i % 10} 0{i % 10}:3{i % 6}:00.{i:03d}'")
        values.append(f"({i}, {(-1) ** i * i * 100}, {i * 10 ** 12 + i}, {i}.{i % 100:02d}, "
                      f"'item-{i}', {note}, {qty}, {due})")
    db.sql("SET time_zone = '+00:00'; INSERT INTO items (id, small, big, price, name, note, qty, "
           "due) VALUES " + ",".join(values), database="src")


def table(db, database):
    return db.query(f"SELECT {COLUMNS} FROM items ORDER BY id", database=database)


def round_trip(d, db, state):
    db.sql("CREATE DATABASE src; CREATE DATABASE dst")
    db.sql(CREATE, database="src")
    insert_rows(db, 1, 60)
    bport, rport = free_port(), free_port()
    wf = properties(d, "worker.properties", None, kafka_worker_sample(
        bport, rport, f"{d}/connect.offsets", "offset.flush.interval.ms=500\n"))
    w = state["worker"] = Worker(d, wf).start()
    api = Api(rport)
    group("source -> topic -> sink between two databases")
    status, body = api.call("POST", "/connectors", {"name": "rt-source", "config": {
        "connector.class": "JdbcSourceConnector", "tasks.max": "1",
        "connection.url": db.jdbc_url("src"), "table.whitelist": "items",
        "mode": "timestamp+incrementing", "incrementing.column.name": "id",
        "timestamp.column.name": "updated", "topic.prefix": "rt_",
        "poll.interval.ms": "200"}})
    require(status == 201, "the source connector is created", f"{status} {body}")
    status, body = api.call("POST", "/connectors", {"name": "rt-sink", "config": {
        "connector.class": "JdbcSinkConnector", "tasks.max": "1", "topics": "rt_items",
        "connection.url": db.jdbc_url("dst"), "insert.mode": "upsert",
        "pk.mode": "record_value", "pk.fields": "id", "auto.create": "true",
        "table.name.format": "items"}})
    require(status == 201, "the sink connector is created", f"{status} {body}")

    def same(what, timeout=20):
        last = {}

        def ok():
            last["src"], last["dst"] = table(db, "src"), None
            try:
                last["dst"] = table(db, "dst")
            except RuntimeError as e:  # the sink has not created it yet
                last["dst"] = str(e)
            return last["src"] == last["dst"]
        wait_for(ok, timeout, what, lambda: sa.list_diff(last["src"], last["dst"])
                 if isinstance(last["dst"], list) else last["dst"])
    same("the 60 rows copied first arrive with the same values")
    time.sleep(0.01)  # later rows get later timestamps than the offset's
    insert_rows(db, 61, 40)
    db.sql("SET time_zone = '+00:00'; UPDATE items SET price = price + 1000.5, note = NULL, "
           "qty = 42 WHERE id % 7 = 0; UPDATE items SET name = 'renamed', "
           "due = '1999-12-31 23:59:59.999' WHERE id IN (2, 64, 99)", database="src")
    same("inserts and updates made while both run arrive too: the tables are equal")
    rows = table(db, "dst")
    check(len(rows) == 100 and rows[6][3] == "1007.57" and rows[6][5] is None
          and rows[1][4] == "renamed", "spot check: 100 rows, updates applied",
          lambda: rows[:8])
    check(sum(1 for r in rows if r[5] is None) > 0 and sum(1 for r in rows if r[7] is None) > 0,
          "NULLs survive the round trip", lambda: rows[:8])
    rc = w.stop()
    state["worker"] = None
    check(rc == 0, "the worker exits 0 on SIGTERM", rc)


def main():
    return run_with_mariadb("sl-jrt-", round_trip)


if __name__ == "__main__":
    sys.exit(main())
