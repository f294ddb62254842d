#!/usr/bin/python3
"""End-to-end tests of the REST API (issue 5), driven with curl the way a user
drives Kafka Connect's: every endpoint with its success and error codes, the
issue's seed examples verbatim, pause/resume and offsets observed on the data
of a FileStreamSource -> topic -> FileStreamSink pipeline, a forced task
failure and its restart, validation, loggers, persistence across a restart
(config.storage.file.filename), HTTPS, Basic authentication and CORS.

Usage: rest.py /path/to/sluice [group ...]

The helpers for workers, checks, files and kcat come from standalone.py (same
directory). One worker serves most groups, so later groups see the
connectors earlier ones made; a failed check ends its group only. Each worker
runs in its own temp directory with its embedded broker and its REST
listener on free 127.0.0.1 ports, and is stopped by PID with SIGTERM and must
exit 0 (ASan's leak check runs at exit).
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import standalone as sa  # noqa: E402  (reads the binary from sys.argv[1])
from standalone import (GroupFailed, Worker, append_lines, check, count_lines,  # noqa: E402
                        free_port, group, kcat_consume, kcat_topics, kill_leftovers,
                        list_diff, properties, read_lines, require, tail, wait_for)

FSINK = "org.apache.kafka.connect.file.FileStreamSinkConnector"
FSOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector"
NOT_STOPPED = "STOPPED"  # a word of Kafka's refusal to change offsets of a running connector


# ---- HTTP through curl -------------------------------------------------------------------------

class Resp:
    def __init__(self, status, headers, body, curl_rc, curl_err):
        self.status = status
        self.headers = headers  # lower-case name -> last value
        self.body = body
        self.curl_rc = curl_rc
        self.curl_err = curl_err
        try:
            self.json = json.loads(body) if body.strip() else None
        except ValueError:
            self.json = None

    @property
    def obj(self):
        """The body as a JSON object, {} when it is not one."""
        return self.json if isinstance(self.json, dict) else {}

    def header(self, name):
        return self.headers.get(name.lower())

    def __str__(self):
        hdrs = "".join(f"{k}: {v}\n" for k, v in self.headers.items())
        extra = f"\n(curl exit {self.curl_rc}: {self.curl_err})" if self.curl_rc else ""
        return f"HTTP {self.status}\n{hdrs}\n{self.body[:2000]}{extra}"


def parse_curl_i(raw):
    """Status, headers and body from `curl -i` output, skipping 1xx blocks."""
    status, headers = 0, {}
    while raw.startswith(b"HTTP/"):
        head, sep, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        raw = rest
        if not (100 <= status < 200) or not sep:
            break
    return status, headers, raw.decode("utf-8", errors="replace")


class Api:
    """curl against one listener; base is 'http://127.0.0.1:PORT'."""

    def __init__(self, base, curl_args=()):
        self.base = base
        self.curl_args = list(curl_args)

    def __call__(self, method, path, body=None, *, raw=None, ctype="application/json",
                 headers=(), args=()):
        cmd = ["curl", "-sS", "-i", "--max-time", "30", "-X", method, *self.curl_args, *args]
        for h in headers:
            cmd += ["-H", h]
        data = None
        if body is not None or raw is not None:
            data = raw if raw is not None else json.dumps(body).encode()
            if ctype is not None:
                cmd += ["-H", f"Content-Type: {ctype}"]
            if not any(h.lower().startswith("expect:") for h in headers):
                cmd += ["-H", "Expect:"]
            cmd += ["--data-binary", "@-"]
        cmd.append(self.base + path)
        r = subprocess.run(cmd, input=data, capture_output=True, timeout=60)
        status, hdrs, text = parse_curl_i(r.stdout)
        return Resp(status, hdrs, text, r.returncode, r.stderr.decode(errors="replace").strip())

    def get(self, path, **kw):
        return self("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self("DELETE", path, **kw)


def expect(r, status, what):
    return check(r.status == status, f"{what} -> {status}", r)


def expect_error(r, status, what, words=()):
    """status, Kafka's error body {"error_code":status,"message":…}, and each of words in
    the message."""
    ok = expect(r, status, what)
    body = r.obj
    msg = body.get("message")
    check(body.get("error_code") == status and isinstance(msg, str) and msg.strip()
          and (r.header("content-type") or "").startswith("application/json"),
          f"{what}: the body is {{\"error_code\":{status},\"message\":\"…\"}} "
          "(application/json)", r)
    for w in words:
        check(isinstance(msg, str) and w in msg, f"{what}: the message names {w!r}", r)
    return ok


def task_ids_ok(tasks, name):
    """ConnectorInfo.tasks as POST answers it: Kafka's standalone herder starts the tasks
    before answering ([{connector, task: 0}]); the distributed one answers [] (the issue's
    example)."""
    return tasks in ([], [{"connector": name, "task": 0}])


def status_of(api, name):
    r = api.get(f"/connectors/{name}/status")
    return r.json if r.status == 200 and isinstance(r.json, dict) else {}


def states(api, name):
    """(connector state, [task states]) or (None, None)."""
    s = status_of(api, name)
    if not s:
        return None, None
    return s.get("connector", {}).get("state"), [t.get("state") for t in s.get("tasks", [])]


def wait_state(api, name, conn, tasks, timeout=20):
    wait_for(lambda: states(api, name) == (conn, tasks), timeout,
             f"{name} reaches {conn} with tasks {tasks}",
             lambda: f"status: {status_of(api, name)}")


def worker_file(d, bport, rport, extra=""):
    return properties(d, "worker.properties", None, f"""\
bootstrap.servers=127.0.0.1:{bport}
listeners=http://127.0.0.1:{rport}
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.storage.file.filename={d}/connect.offsets
offset.flush.interval.ms=200
""" + extra)


def source_conf(file, topic, **kw):
    return dict({"connector.class": "FileStreamSource", "tasks.max": "1", "file": file,
                 "topic": topic}, **kw)


def sink_conf(file, topics, **kw):
    return dict({"connector.class": "FileStreamSink", "tasks.max": "1", "file": file,
                 "topics": topics}, **kw)


# ---- groups on the shared worker ---------------------------------------------------------------

class Ctx:
    """What the groups on the shared worker share."""

    def __init__(self, d, w, api, bs, rport):
        self.d, self.w, self.api, self.bs, self.rport = d, w, api, bs, rport


def g_root_and_seeds(c):
    group("root and the issue's seed examples")
    api = c.api
    r = api.get("/")
    expect(r, 200, "GET /")
    body = r.obj
    for k in ("version", "commit", "kafka_cluster_id"):
        check(isinstance(body.get(k), str) and body.get(k) != "",
              f"GET / has a non-empty string {k}", r)
    check(r.header("content-type") is not None
          and r.header("content-type").startswith("application/json"),
          "GET / answers Content-Type application/json", r)

    r = api.get("/health")
    check(r.status == 200 and r.obj.get("status") == "healthy"
          and isinstance(r.obj.get("message"), str),
          "GET /health -> 200 {status: healthy, message}", r)

    def seed(cmd):
        cmd = cmd.replace("localhost:8083", f"localhost:{c.rport}")
        out = subprocess.run(["bash", "-c", cmd], cwd=c.d, capture_output=True, timeout=60)
        text = out.stdout.decode(errors="replace")
        try:
            return out.returncode, json.loads(text), text
        except ValueError:
            return out.returncode, None, text

    rc, body, text = seed(
        """curl -X POST -H 'Content-Type: application/json' http://localhost:8083/connectors \\
  --data '{"name":"dump-kafka-config","config":{"connector.class":"FileStreamSink","file":"copy-of-server-properties","topics":"kafka-config-topic"}}'""")
    check(rc == 0 and isinstance(body, dict) and body.get("name") == "dump-kafka-config"
          and body.get("type") == "sink" and task_ids_ok(body.get("tasks"), "dump-kafka-config")
          and isinstance(body.get("config"), dict)
          and body["config"].get("name") == "dump-kafka-config"
          and body["config"].get("topics") == "kafka-config-topic",
          "seed 1 (POST dump-kafka-config) answers ConnectorInfo with config.name, type sink "
          "and its tasks", text)
    r = api.get("/connectors/dump-kafka-config")
    check(r.status == 200 and isinstance(r.json, dict)
          and r.obj.get("name") == "dump-kafka-config",
          "seed 1's connector exists: GET /connectors/dump-kafka-config -> 200", r)

    rc, body, text = seed(
        """echo '{"name":"from-kafka-to-file","config":{"connector.class":"FileStreamSink","file":"output1","topic":"kafka-config-topic"}}' \\
  | curl -X POST -d @- http://localhost:8083/connectors --header "content-Type:application/json\"""")
    check(isinstance(body, dict) and body.get("error_code") == 400
          and "topics" in str(body.get("message")),
          "seed 2 (a sink with topic instead of topics) is refused: error_code 400 and the "
          "message names topics", text)
    r = api.get("/connectors/from-kafka-to-file")
    expect_error(r, 404, "seed 2's connector was not created: GET /connectors/from-kafka-to-file")

    rc, body, text = seed("curl http://localhost:8083/connector-plugins")
    classes = {p.get("class"): p.get("type") for p in body} if isinstance(body, list) else {}
    check(classes.get(FSINK) == "sink" and classes.get(FSOURCE) == "source",
          "seed 3 (GET /connector-plugins) lists FileStreamSink (sink) and FileStreamSource "
          "(source)", text)


def g_crud(c):
    group("create, read, update, delete")
    api, d = c.api, c.d
    conf = sink_conf(f"{d}/crud.txt", "crud-topic")
    r = api.post("/connectors", {"name": "crud", "config": conf})
    expect(r, 201, "POST /connectors crud")
    check(r.header("location") in ("/connectors/crud", f"{api.base}/connectors/crud"),
          "POST answers Location: /connectors/crud (relative or on this listener)", r)
    b = r.obj
    check(b.get("name") == "crud" and b.get("config") == dict(conf, name="crud")
          and task_ids_ok(b.get("tasks"), "crud") and b.get("type") == "sink",
          "POST answers {name, config (with name), tasks, type: sink}", r)
    expect_error(api.post("/connectors", {"name": "crud", "config": conf}), 409,
                 "POST /connectors crud again", ["crud"])

    def info_ok():
        r = api.get("/connectors/crud")
        return (r.status == 200 and isinstance(r.json, dict)
                and r.obj.get("tasks") == [{"connector": "crud", "task": 0}])
    wait_for(info_ok, 20, "GET /connectors/crud lists task {connector: crud, task: 0}",
             lambda: api.get("/connectors/crud"))
    r = api.get("/connectors/crud")
    check(r.obj.get("name") == "crud" and r.obj.get("type") == "sink"
          and r.obj.get("config") == dict(conf, name="crud"),
          "GET /connectors/crud has name, type and the config as written", r)
    r = api.get("/connectors/crud/config")
    expect(r, 200, "GET /connectors/crud/config")
    check(r.json == dict(conf, name="crud"), "GET config is the flat config with name", r)

    # PUT updates (200) and creates (201 + Location).
    conf2 = dict(conf, file=f"{d}/crud2.txt")
    r = api.put("/connectors/crud/config", conf2)
    expect(r, 200, "PUT /connectors/crud/config on an existing connector")
    check(isinstance(r.json, dict) and r.obj.get("config", {}).get("file") == f"{d}/crud2.txt"
          and r.obj.get("name") == "crud", "PUT answers ConnectorInfo with the new config", r)
    check(api.get("/connectors/crud/config").json == dict(conf2, name="crud"),
          "GET config shows the PUT config")
    r = api.put("/connectors/crud-put/config", sink_conf(f"{d}/crud-put.txt", "crud-topic"))
    expect(r, 201, "PUT /connectors/crud-put/config on a new name")
    check((r.header("location") or "").endswith("/connectors/crud-put"),
          "PUT creating a connector answers Location: …/connectors/crud-put", r)
    check(isinstance(r.json, dict) and r.obj.get("name") == "crud-put"
          and r.obj.get("config", {}).get("name") == "crud-put",
          "PUT creating a connector inserts name into the config", r)
    expect_error(api.put("/connectors/crud/config", dict(conf, name="other")), 400,
                 "PUT /connectors/crud/config with name=other in the body", ["other"])
    expect_error(api.post("/connectors", {"name": "crud-x", "config": dict(conf, name="crud-y")}),
                 400, "POST with config.name differing from name")
    expect_error(api.put("/connectors/crud/config", {k: v for k, v in conf.items()
                                                      if k != "topics"} | {"topic": "t"}),
                 400, "PUT config of a sink with topic instead of topics", ["topics"])

    # PATCH: a value changes, null removes a key.
    r = api.patch("/connectors/crud/config", {"file": f"{d}/crud3.txt", "tasks.max": None})
    expect(r, 200, "PATCH /connectors/crud/config")
    got = api.get("/connectors/crud/config").json or {}
    check(got.get("file") == f"{d}/crud3.txt", "PATCH changed file", got)
    check("tasks.max" not in got, "PATCH with tasks.max: null removed the key", got)
    check(got.get("topics") == "crud-topic" and got.get("name") == "crud",
          "PATCH kept the other keys", got)
    expect_error(api.patch("/connectors/crud/config", {"topics": None}), 400,
                 "PATCH removing topics from a sink (invalid result)", ["topics"])

    # expand
    r = api.get("/connectors")
    expect(r, 200, "GET /connectors")
    check(isinstance(r.json, list) and {"crud", "crud-put", "dump-kafka-config"} <= set(r.json),
          "GET /connectors lists crud, crud-put and dump-kafka-config", r)
    r = api.get("/connectors?expand=status")
    e = r.obj
    check(r.status == 200 and set(e.get("crud", {})) == {"status"}
          and e["crud"]["status"].get("name") == "crud"
          and "state" in e["crud"]["status"].get("connector", {}),
          "GET /connectors?expand=status -> {crud: {status: ConnectorStateInfo}}", r)
    r = api.get("/connectors?expand=info")
    e = r.obj
    check(r.status == 200 and set(e.get("crud", {})) == {"info"}
          and e["crud"]["info"].get("config", {}).get("topics") == "crud-topic"
          and e["crud"]["info"].get("type") == "sink",
          "GET /connectors?expand=info -> {crud: {info: ConnectorInfo}}", r)
    r = api.get("/connectors?expand=status&expand=info")
    e = r.obj
    check(r.status == 200 and set(e.get("crud", {})) == {"status", "info"}
          and set(e) >= {"crud", "crud-put", "dump-kafka-config"},
          "GET /connectors?expand=status&expand=info has both for every connector", r)

    r = api.get("/connectors?expand=bogus")
    e = r.obj
    check(r.status == 200 and e.get("crud") == {} and "dump-kafka-config" in e,
          "GET /connectors?expand=bogus ignores the unknown expansion ({crud: {}}), as Kafka", r)

    # A value under a sensitive name is returned as written but never logged.
    secret = "Sup3r-s3cret-" + os.path.basename(d)
    r = api.post("/connectors", {"name": "secretive", "config": sink_conf(
        f"{d}/secretive.txt", "crud-topic", **{"db.password": secret})})
    expect(r, 201, "POST a connector with db.password")
    check(api.get("/connectors/secretive/config").obj.get("db.password") == secret,
          "GET config returns db.password as written (as Kafka)")
    wait_state(api, "secretive", "RUNNING", ["RUNNING"])
    check(secret not in c.w.stderr(), "the password value never appears in the worker's log",
          lambda: [x for x in c.w.stderr().split("\n") if secret in x][:3])
    expect(api.delete("/connectors/secretive"), 204, "DELETE /connectors/secretive")

    # initial_state
    for state, expected_tasks in (("PAUSED", ["PAUSED"]), ("STOPPED", [])):
        name = f"initial-{state.lower()}"
        r = api.post("/connectors", {"name": name, "initial_state": state,
                                     "config": sink_conf(f"{d}/{name}.txt", "crud-topic")})
        expect(r, 201, f"POST with initial_state {state}")
        wait_state(api, name, state, expected_tasks)
    r = api.put("/connectors/initial-paused/config",
                sink_conf(f"{d}/initial-paused-2.txt", "crud-topic"))
    expect(r, 200, "PUT a new config of the PAUSED initial-paused")
    wait_state(api, "initial-paused", "PAUSED", ["PAUSED"])
    expect_error(api.post("/connectors", {"name": "initial-bad", "initial_state": "SLEEPING",
                                          "config": sink_conf(f"{d}/x.txt", "t")}),
                 400, "POST with initial_state SLEEPING")

    # names
    for name, enc in (("my connector", "my%20connector"), ("a/b", "a%2Fb"),
                      ("é-connector", "%C3%A9-connector")):
        r = api.post("/connectors", {"name": name,
                                     "config": sink_conf(f"{d}/named.txt", "crud-topic")})
        expect(r, 201, f"POST a connector named {name!r}")
        check((r.header("location") or "").endswith(f"/connectors/{enc}"),
              f"its Location ends with /connectors/{enc}", r)
        r = api.get(f"/connectors/{enc}")
        check(r.status == 200 and isinstance(r.json, dict) and r.obj.get("name") == name,
              f"GET /connectors/{enc} -> 200 with name {name!r}", r)
        check(name in (api.get("/connectors").json or []),
              f"GET /connectors lists {name!r} decoded")
    expect(api.delete("/connectors/a%2Fb"), 204, "DELETE /connectors/a%2Fb")
    expect(api.delete("/connectors/%C3%A9-connector"), 204, "DELETE /connectors/%C3%A9-connector")
    r = api.post("/connectors", {"name": "  trimmed  ",
                                 "config": sink_conf(f"{d}/trim.txt", "crud-topic")})
    check(r.status == 201 and isinstance(r.json, dict) and r.obj.get("name") == "trimmed",
          "POST trims the name ('  trimmed  ' -> 'trimmed'), as Kafka", r)
    expect_error(api.post("/connectors", {"name": "", "config": sink_conf("x.txt", "t")}), 400,
                 "POST with an empty name")
    expect_error(api.post("/connectors", {"name": "bad\u0007name",
                                          "config": sink_conf("x.txt", "t")}),
                 400, "POST with a control character in the name")

    # DELETE
    r = api.delete("/connectors/crud-put")
    expect(r, 204, "DELETE /connectors/crud-put")
    check(r.body == "", "DELETE answers no body", r)
    expect_error(api.get("/connectors/crud-put"), 404, "GET /connectors/crud-put after DELETE")
    expect_error(api.delete("/connectors/crud-put"), 404, "DELETE /connectors/crud-put again")
    check("crud-put" not in (api.get("/connectors").json or []),
          "GET /connectors no longer lists crud-put")
    expect(api.delete("/connectors/trimmed"), 204, "DELETE /connectors/trimmed")


def g_status_restart(c):
    group("status, tasks, restart, topics")
    api, d, rport = c.api, c.d, c.rport
    open(f"{d}/empty.txt", "w").close()
    expect(api.post("/connectors", {"name": "idle-src",
                                    "config": source_conf(f"{d}/empty.txt", "idle")}),
           201, "POST idle-src (a FileStreamSource on an empty file)")
    wait_state(api, "idle-src", "RUNNING", ["RUNNING"])
    r = api.get("/connectors/idle-src/status")
    s = r.obj
    check(s.get("name") == "idle-src" and s.get("type") == "source",
          "status has name and type source", r)
    wid = s.get("connector", {}).get("worker_id")
    check(isinstance(wid, str) and wid.endswith(f":{rport}"),
          f"the connector's worker_id is host:port of the listener (…:{rport})", r)
    check(s["tasks"][0].get("id") == 0 and s["tasks"][0].get("worker_id") == wid,
          "status.tasks[0] has id 0 and the same worker_id", r)
    check("trace" not in s["connector"] and "trace" not in s["tasks"][0],
          "no trace while RUNNING", r)

    r = api.get("/connectors/idle-src/tasks")
    expect(r, 200, "GET /connectors/idle-src/tasks")
    t = r.json if isinstance(r.json, list) else []
    check(len(t) == 1 and t[0].get("id") == {"connector": "idle-src", "task": 0}
          and isinstance(t[0].get("config"), dict),
          "tasks is [{id: {connector: idle-src, task: 0}, config: {…}}]", r)
    r = api.get("/connectors/idle-src/tasks/0/status")
    check(r.status == 200 and isinstance(r.json, dict) and r.obj.get("id") == 0
          and r.obj.get("state") == "RUNNING" and r.obj.get("worker_id") == wid,
          "GET tasks/0/status -> {id: 0, state: RUNNING, worker_id}", r)
    r = api.get("/connectors/idle-src/tasks-config")
    check(r.status == 200 and isinstance(r.json, dict)
          and isinstance(r.obj.get("idle-src-0"), dict),
          "GET tasks-config -> {\"idle-src-0\": {…}}", r)
    expect_error(api.get("/connectors/idle-src/tasks/7/status"), 404, "GET tasks/7/status")
    expect_error(api.get("/connectors/idle-src/tasks/abc/status"), 404,
                 "GET tasks/abc/status (not a task id)")
    expect_error(api.post("/connectors/idle-src/tasks/7/restart"), 404, "POST tasks/7/restart")

    r = api.post("/connectors/idle-src/restart")
    expect(r, 204, "POST /connectors/idle-src/restart")
    check(r.body == "", "restart without includeTasks answers no body", r)
    wait_state(api, "idle-src", "RUNNING", ["RUNNING"])
    r = api.post("/connectors/idle-src/restart?includeTasks=true")
    expect(r, 202, "POST restart?includeTasks=true")
    b = r.obj
    check(b.get("name") == "idle-src"
          and b.get("connector", {}).get("state") == "RESTARTING"
          and [x.get("state") for x in b.get("tasks", [])] == ["RESTARTING"],
          "the 202 body shows the connector and task 0 RESTARTING", r)
    wait_state(api, "idle-src", "RUNNING", ["RUNNING"])
    r = api.post("/connectors/idle-src/restart?includeTasks=true&onlyFailed=true")
    expect(r, 202, "POST restart?includeTasks=true&onlyFailed=true with nothing failed")
    b = r.obj
    check(b.get("connector", {}).get("state") == "RUNNING"
          and [x.get("state") for x in b.get("tasks", [])] == ["RUNNING"],
          "with onlyFailed and nothing FAILED nothing is RESTARTING", r)
    r = api.post("/connectors/idle-src/restart?onlyFailed=true")
    expect(r, 202, "POST restart?onlyFailed=true (not both false: Kafka answers the plan)")
    expect_error(api.post("/connectors/nope/restart?includeTasks=true"), 404,
                 "POST /connectors/nope/restart?includeTasks=true")
    r = api.post("/connectors/idle-src/tasks/0/restart")
    expect(r, 204, "POST /connectors/idle-src/tasks/0/restart")
    wait_state(api, "idle-src", "RUNNING", ["RUNNING"])

    r = api.get("/connectors/idle-src/topics")
    check(r.status == 200 and r.json == {"idle-src": {"topics": []}},
          "GET topics of a source that wrote nothing -> {idle-src: {topics: []}}", r)


def g_pipeline(c):
    group("pause/resume, stop and offsets on a FileStreamSource -> FileStreamSink pipeline")
    api, d, bs = c.api, c.d, c.bs
    src, sink = f"{d}/pipe-src.txt", f"{d}/pipe-sink.txt"
    l0 = [f"zero-{i}" for i in range(50)]
    append_lines(src, l0)
    expect(api.post("/connectors", {"name": "pipe-src", "config": source_conf(src, "pipe")}), 201,
           "POST pipe-src")
    expect(api.post("/connectors", {"name": "pipe-sink", "config": sink_conf(sink, "pipe")}), 201,
           "POST pipe-sink")
    wait_for(lambda: read_lines(sink) == l0, 30, "the 50 lines reach the sink file",
             lambda: f"{count_lines(sink)} lines\n{tail(c.w.stderr())}")
    check(kcat_topics(bs).get("pipe") == 1, "topic pipe has 1 partition", kcat_topics(bs))
    r = api.get("/connectors/pipe-src/topics")
    check(r.status == 200 and r.json == {"pipe-src": {"topics": ["pipe"]}},
          "GET /connectors/pipe-src/topics -> {pipe-src: {topics: [pipe]}}", r)
    r = api.get("/connectors/pipe-sink/topics")
    check(r.status == 200 and r.json == {"pipe-sink": {"topics": ["pipe"]}},
          "GET /connectors/pipe-sink/topics -> {pipe-sink: {topics: [pipe]}}", r)

    # Pausing the source: nothing more is read, nothing reaches the topic or the sink.
    r = api.put("/connectors/pipe-src/pause")
    expect(r, 202, "PUT /connectors/pipe-src/pause")
    wait_state(api, "pipe-src", "PAUSED", ["PAUSED"])
    expect(api.put("/connectors/pipe-src/pause"), 202, "PUT pause again (idempotent)")
    l1 = [f"one-{i}" for i in range(20)]
    append_lines(src, l1)
    time.sleep(1.5)
    check(len(kcat_consume(bs, "pipe")) == 50 and read_lines(sink) == l0,
          "while pipe-src is PAUSED no new line reaches the topic or the sink file (1.5 s)",
          lambda: f"topic {len(kcat_consume(bs, 'pipe'))}, sink {count_lines(sink)}")
    expect(api.put("/connectors/pipe-src/resume"), 202, "PUT /connectors/pipe-src/resume")
    wait_for(lambda: read_lines(sink) == l0 + l1, 20,
             "after resume the lines written while paused reach the sink file",
             lambda: list_diff(l0 + l1, read_lines(sink)))
    wait_state(api, "pipe-src", "RUNNING", ["RUNNING"])

    # Pausing the sink: records reach the topic, not the file.
    expect(api.put("/connectors/pipe-sink/pause"), 202, "PUT /connectors/pipe-sink/pause")
    wait_state(api, "pipe-sink", "PAUSED", ["PAUSED"])
    l2 = [f"two-{i}" for i in range(20)]
    append_lines(src, l2)
    wait_for(lambda: len(kcat_consume(bs, "pipe")) == 90, 20,
             "with pipe-sink PAUSED, the source still writes to the topic")
    time.sleep(1.0)
    check(read_lines(sink) == l0 + l1, "while pipe-sink is PAUSED no record reaches the file",
          lambda: list_diff(l0 + l1, read_lines(sink)))
    expect(api.put("/connectors/pipe-sink/resume"), 202, "PUT /connectors/pipe-sink/resume")
    wait_for(lambda: read_lines(sink) == l0 + l1 + l2, 20,
             "after resume pipe-sink writes the records it missed",
             lambda: list_diff(l0 + l1 + l2, read_lines(sink)))
    all_lines = l0 + l1 + l2

    # Offsets, read while running.
    size = os.path.getsize(src)
    want_src = {"offsets": [{"partition": {"filename": src}, "offset": {"position": size}}]}
    wait_for(lambda: api.get("/connectors/pipe-src/offsets").json == want_src, 20,
             "GET pipe-src/offsets -> [{partition: {filename}, offset: {position: size}}]",
             lambda: api.get("/connectors/pipe-src/offsets"))
    want_sink = {"offsets": [{"partition": {"kafka_topic": "pipe", "kafka_partition": 0},
                              "offset": {"kafka_offset": 90}}]}
    wait_for(lambda: api.get("/connectors/pipe-sink/offsets").json == want_sink, 20,
             "GET pipe-sink/offsets -> [{partition: {kafka_topic: pipe, kafka_partition: 0}, "
             "offset: {kafka_offset: 90}}]", lambda: api.get("/connectors/pipe-sink/offsets"))
    alter_sink = {"offsets": [{"partition": {"kafka_topic": "pipe", "kafka_partition": 0},
                               "offset": {"kafka_offset": 85}}]}
    expect_error(api.patch("/connectors/pipe-sink/offsets", alter_sink), 400,
                 "PATCH offsets of the running pipe-sink", [NOT_STOPPED])
    expect_error(api.delete("/connectors/pipe-src/offsets"), 400,
                 "DELETE offsets of the running pipe-src", [NOT_STOPPED])

    # Stop the sink, move its offset back 5 records, resume: the last 5 come again.
    expect(api.put("/connectors/pipe-sink/stop"), 202, "PUT /connectors/pipe-sink/stop")
    wait_state(api, "pipe-sink", "STOPPED", [])
    r = api.get("/connectors/pipe-sink/tasks")
    check(r.status == 200 and r.json == [], "GET tasks of a STOPPED connector -> []", r)
    r = api.get("/connectors/pipe-sink")
    check(r.status == 200 and r.obj.get("tasks") == [],
          "GET /connectors/pipe-sink of a STOPPED connector has tasks []", r)
    expect_error(api.patch("/connectors/pipe-sink/offsets", {"offsets": []}), 400,
                 "PATCH offsets with an empty list")
    for item, what in (({"partition": {"kafka_topic": "pipe"}, "offset": {"kafka_offset": 1}},
                        "a partition without kafka_partition"),
                       ({"partition": {"kafka_topic": "pipe", "kafka_partition": 0},
                         "offset": {"kafka_offset": "x"}}, "kafka_offset 'x'")):
        expect_error(api.patch("/connectors/pipe-sink/offsets", {"offsets": [item]}), 400,
                     f"PATCH sink offsets with {what}")
    r = api.patch("/connectors/pipe-sink/offsets", alter_sink)
    expect(r, 200, "PATCH /connectors/pipe-sink/offsets (kafka_offset 85) while STOPPED")
    check(isinstance(r.json, dict) and "altered successfully" in str(r.obj.get("message")),
          "PATCH answers {message: '…altered successfully'}", r)
    r = api.get("/connectors/pipe-sink/offsets")
    check(r.json == {"offsets": alter_sink["offsets"]},
          "GET pipe-sink/offsets shows kafka_offset 85", r)
    expect(api.put("/connectors/pipe-sink/resume"), 202, "PUT resume of the STOPPED pipe-sink")
    want = all_lines + l2[-5:]
    wait_for(lambda: read_lines(sink) == want, 20,
             "after the sink offset moved to 85 the sink file receives the last 5 records again",
             lambda: list_diff(want, read_lines(sink)))
    wait_state(api, "pipe-sink", "RUNNING", ["RUNNING"])

    # Stop the source, reset its offsets, resume: it re-reads the whole file.
    expect(api.put("/connectors/pipe-src/stop"), 202, "PUT /connectors/pipe-src/stop")
    wait_state(api, "pipe-src", "STOPPED", [])
    r = api.delete("/connectors/pipe-src/offsets")
    expect(r, 200, "DELETE /connectors/pipe-src/offsets while STOPPED")
    check(isinstance(r.json, dict) and "reset successfully" in str(r.obj.get("message")),
          "DELETE offsets answers {message: '…reset successfully'}", r)
    r = api.get("/connectors/pipe-src/offsets")
    check(r.status == 200 and r.json == {"offsets": []},
          "GET pipe-src/offsets after the reset -> {offsets: []}", r)
    expect(api.put("/connectors/pipe-src/resume"), 202, "PUT resume of the STOPPED pipe-src")
    want = want + all_lines
    wait_for(lambda: read_lines(sink) == want, 30,
             "after the reset the source re-reads its file: the sink sees every line again",
             lambda: list_diff(want, read_lines(sink)))

    # Source offsets altered: position back to the start of l2.
    expect(api.put("/connectors/pipe-src/stop"), 202, "PUT pipe-src/stop again")
    wait_state(api, "pipe-src", "STOPPED", [])
    before = api.get("/connectors/pipe-src/offsets").obj
    r = api.patch("/connectors/pipe-src/offsets", {"offsets": [
        {"partition": {"filename": src}, "offset": {"position": "abc"}}]})
    check(r.status in (400, 500) and r.obj.get("error_code") == r.status,
          "PATCH source offsets with position 'abc' is refused with an error body (Kafka: 500 "
          "from the connector's alterOffsets)", r)
    r = api.get("/connectors/pipe-src/offsets")
    check(r.obj == before == want_src, "the refused PATCH changed nothing", r)
    pos = len("".join(x + "\n" for x in l0 + l1).encode())
    r = api.patch("/connectors/pipe-src/offsets",
                  {"offsets": [{"partition": {"filename": src}, "offset": {"position": pos}}]})
    expect(r, 200, "PATCH pipe-src/offsets to the position of the first 'two-' line")
    expect(api.put("/connectors/pipe-src/resume"), 202, "PUT resume pipe-src")
    want = want + l2
    wait_for(lambda: read_lines(sink) == want, 30,
             "the source resumes from the altered position: the sink sees the 'two-' lines "
             "again", lambda: list_diff(want, read_lines(sink)))

    expect(api.put("/connectors/pipe-src/topics/reset"), 202, "PUT pipe-src/topics/reset")
    r = api.get("/connectors/pipe-src/topics")
    check(r.json == {"pipe-src": {"topics": []}}, "after the reset pipe-src's topics are []", r)


def g_failure(c):
    group("a forced task failure and its restart")
    api, d, bs = c.api, c.d, c.bs
    out = f"{d}/missing-dir/out.txt"
    expect(api.post("/connectors", {"name": "fail-sink", "config": sink_conf(out, "pipe")}), 201,
           "POST fail-sink (its file's directory does not exist)")
    wait_for(lambda: states(api, "fail-sink")[1] == ["FAILED"], 20, "fail-sink's task 0 FAILS",
             lambda: status_of(api, "fail-sink"))
    s = status_of(api, "fail-sink")
    tr = s["tasks"][0].get("trace")
    check(isinstance(tr, str) and tr.strip() != "", "the FAILED task's status has a trace", s)
    check("missing-dir/out.txt" in str(tr), "the trace names the file that could not be opened",
          s)
    check(s.get("type") == "sink" and s["tasks"][0].get("worker_id"),
          "the FAILED task's status has type and worker_id", s)
    r = api.get("/connectors/fail-sink/tasks/0/status")
    check(r.status == 200 and r.obj.get("state") == "FAILED" and r.obj.get("trace"),
          "GET tasks/0/status -> FAILED with trace", r)
    os.mkdir(f"{d}/missing-dir")
    r = api.post("/connectors/fail-sink/restart?includeTasks=true&onlyFailed=true")
    expect(r, 202, "POST fail-sink/restart?includeTasks=true&onlyFailed=true")
    b = r.obj
    check(b.get("connector", {}).get("state") == "RUNNING"
          and [x.get("state") for x in b.get("tasks", [])] == ["RESTARTING"],
          "the plan restarts only the FAILED task (connector RUNNING, task RESTARTING)", r)
    wait_state(api, "fail-sink", "RUNNING", ["RUNNING"])
    n = len(kcat_consume(bs, "pipe"))
    wait_for(lambda: count_lines(out) == n, 20,
             f"after the restart fail-sink writes the topic's {n} records",
             lambda: f"{count_lines(out)} lines")
    check("trace" not in status_of(api, "fail-sink")["tasks"][0],
          "the restarted task's status has no trace")
    # The same through the task endpoint.
    shutil.rmtree(f"{d}/missing-dir")
    expect(api.post("/connectors/fail-sink/tasks/0/restart"), 204,
           "POST fail-sink/tasks/0/restart with the directory gone")
    wait_for(lambda: states(api, "fail-sink")[1] == ["FAILED"], 20,
             "the task restarted without its directory FAILS again",
             lambda: status_of(api, "fail-sink"))
    os.mkdir(f"{d}/missing-dir")
    expect(api.post("/connectors/fail-sink/tasks/0/restart"), 204,
           "POST fail-sink/tasks/0/restart with the directory back")
    wait_state(api, "fail-sink", "RUNNING", ["RUNNING"])


def g_plugins(c):
    group("connector plugins and validation")
    api = c.api
    r = api.get("/connector-plugins")
    expect(r, 200, "GET /connector-plugins")
    plugins = r.json if isinstance(r.json, list) else []
    check(plugins and {p.get("type") for p in plugins} <= {"source", "sink"}
          and all(isinstance(p.get("class"), str) for p in plugins),
          "by default only connectors are listed ({class, type, version})", r)
    r2 = api.get("/connector-plugins?connectorsOnly=true")
    check(r2.status == 200 and r2.json == plugins, "connectorsOnly=true is the default", r2)
    r = api.get("/connector-plugins?connectorsOnly=false")
    allp = r.json if isinstance(r.json, list) else []
    types = {p.get("type") for p in allp}
    check(r.status == 200 and {"source", "sink", "transformation", "converter",
                               "predicate"} <= types,
          "connectorsOnly=false adds transformation, converter and predicate plugins",
          f"types: {types}")
    check(any(p.get("class") == "org.apache.kafka.connect.transforms.RegexRouter"
              for p in allp), "connectorsOnly=false lists RegexRouter", r)

    r = api.get("/connector-plugins/FileStreamSink/config")
    expect(r, 200, "GET /connector-plugins/FileStreamSink/config")
    keys = {k.get("name"): k for k in r.json} if isinstance(r.json, list) else {}
    check("file" in keys and all(f in keys["file"] for f in
                                 ("name", "type", "required", "default_value", "importance",
                                  "documentation")),
          "the config definitions include file with name, type, required, default_value, "
          "importance, documentation", r)
    r = api.get(f"/connector-plugins/{FSOURCE}/config")
    names = {k.get("name") for k in r.json} if isinstance(r.json, list) else set()
    check(r.status == 200 and {"file", "topic", "batch.size"} <= names,
          "GET the FileStreamSource (full class name) config lists file, topic, batch.size", r)
    expect_error(api.get("/connector-plugins/NoSuchConnector/config"), 404,
                 "GET /connector-plugins/NoSuchConnector/config", ["NoSuchConnector"])

    good = {"connector.class": "FileStreamSink", "name": "v", "topics": "t", "file": "x.txt"}
    r = api.put("/connector-plugins/FileStreamSink/config/validate", good)
    expect(r, 200, "validate a good FileStreamSink config")
    b = r.obj
    check(b.get("error_count") == 0, "a good config has error_count 0", r)
    check("FileStreamSink" in str(b.get("name")), "the validation body's name is the class", r)
    check(isinstance(b.get("groups"), list) and "Common" in b["groups"],
          "groups includes Common", r)
    cfgs = {x.get("definition", {}).get("name"): x for x in b.get("configs", [])}
    for k in ("name", "connector.class", "tasks.max", "key.converter", "value.converter",
              "transforms", "predicates", "errors.tolerance", "topics", "topics.regex", "file"):
        check(k in cfgs, f"validate lists {k}", sorted(cfgs))
    v = cfgs.get("topics", {}).get("value", {})
    check(set(v) >= {"name", "value", "recommended_values", "errors", "visible"}
          and v.get("value") == "t" and v.get("errors") == [],
          "configs[].value has name, value, recommended_values, errors, visible", v)
    check(set(cfgs.get("file", {}).get("definition", {})) >= {"name", "type", "required",
                                                               "importance", "documentation"},
          "configs[].definition has name, type, required, importance, documentation",
          cfgs.get("file"))

    bad = {"connector.class": "FileStreamSink", "name": "v", "topic": "t", "file": "x.txt",
           "tasks.max": "abc"}
    r = api.put("/connector-plugins/FileStreamSink/config/validate", bad)
    expect(r, 200, "validate a bad config (topic instead of topics, tasks.max=abc)")
    b = r.obj
    cfgs = {x.get("definition", {}).get("name"): x for x in b.get("configs", [])}

    def errs(k):
        return cfgs.get(k, {}).get("value", {}).get("errors") or []
    check(isinstance(b.get("error_count"), int) and b["error_count"] >= 2,
          "error_count counts both errors", r)
    check(any("topics" in e for e in errs("topics") + errs("topics.regex")),
          "topics (or topics.regex) has an error naming topics",
          {k: errs(k) for k in ("topics", "topics.regex")})
    check(errs("tasks.max") != [], "tasks.max=abc has an error", cfgs.get("tasks.max"))
    check(errs("file") == [] and errs("name") == [], "the valid keys have no errors")
    rr = dict(good, transforms="r",
              **{"transforms.r.type": "org.apache.kafka.connect.transforms.RegexRouter"})
    r = api.put("/connector-plugins/FileStreamSink/config/validate", rr)
    b = r.obj
    cfgs = {x.get("definition", {}).get("name"): x for x in b.get("configs", [])}
    check(r.status == 200 and b.get("error_count") == 2 and errs("transforms.r.regex")
          and errs("transforms.r.replacement") and "Transforms: r" in b.get("groups", []),
          "validate of a RegexRouter without regex/replacement: 2 errors on "
          "transforms.r.regex/replacement, group 'Transforms: r'", r)
    r = api.put("/connector-plugins/FileStreamSink/config/validate",
                dict(good, transforms="r", **{"transforms.r.type": "NoSuchTransform"}))
    cfgs = {x.get("definition", {}).get("name"): x for x in r.obj.get("configs", [])}
    check(r.status == 200 and r.obj.get("error_count") == 1
          and any("NoSuchTransform" in e for e in errs("transforms.r.type")),
          "validate with an unknown transform type: an error on transforms.r.type naming it", r)
    r = api.put("/connector-plugins/FileStreamSinkConnector/config/validate",
                dict(good, **{"connector.class": FSINK}))
    check(r.status == 200 and r.obj.get("error_count") == 0,
          "validate with the alias FileStreamSinkConnector and the full class name -> 200", r)
    expect_error(api.put("/connector-plugins/FileStreamSource/config/validate", good), 400,
                 "validate with connector.class differing from the path")
    expect_error(api.put("/connector-plugins/FileStreamSink/config/validate",
                         {"name": "v", "topics": "t"}), 400,
                 "validate without connector.class")


def g_protocol(c):
    group("protocol errors: 404, 405, 415, 406, 413, malformed JSON")
    api = c.api
    expect_error(api.get("/no/such/path"), 404, "GET /no/such/path")
    for m, p in (("GET", ""), ("GET", "/config"), ("GET", "/status"), ("GET", "/tasks"),
                 ("GET", "/tasks-config"), ("GET", "/offsets"), ("GET", "/tasks/0/status"),
                 ("PUT", "/pause"), ("PUT", "/resume"), ("PUT", "/stop"), ("POST", "/restart"),
                 ("POST", "/tasks/0/restart"), ("DELETE", ""), ("DELETE", "/offsets")):
        expect_error(api(m, f"/connectors/nope{p}"), 404, f"{m} /connectors/nope{p}", ["nope"])
    expect_error(api.patch("/connectors/nope/config", {"file": "x"}), 404,
                 "PATCH /connectors/nope/config", ["nope"])
    expect_error(api.patch("/connectors/nope/offsets", {"offsets": [
        {"partition": {"filename": "x"}, "offset": None}]}), 404, "PATCH /connectors/nope/offsets")

    for m, p in (("DELETE", "/connector-plugins"), ("POST", "/connectors/idle-src/status"),
                 ("GET", "/connectors/idle-src/restart"), ("PUT", "/")):
        r = api(m, p)
        expect_error(r, 405, f"{m} {p}")
        check(r.header("allow") is not None, f"{m} {p}: the 405 has an Allow header", r)

    r = api("HEAD", "/connectors", args=["-I"])
    check(r.status == 200 and r.body == "", "HEAD /connectors -> 200 without a body (as JAX-RS)",
          r)
    conf = {"name": "ct", "config": sink_conf("ct.txt", "t")}
    expect_error(api.post("/connectors", conf, ctype="text/plain"), 415,
                 "POST /connectors with Content-Type text/plain")
    r = api("POST", "/connectors", args=["--data", json.dumps(conf)])
    expect_error(r, 415, "POST /connectors as curl --data sends it "
                 "(application/x-www-form-urlencoded)")
    r = api.post("/connectors", dict(conf, name="ct-charset"),
                 ctype="Application/JSON; charset=UTF-8")
    expect(r, 201, "POST with Content-Type Application/JSON; charset=UTF-8")

    expect_error(api.get("/connectors", headers=["Accept: text/html"]), 406,
                 "GET /connectors with Accept: text/html")
    expect(api.get("/connectors", headers=["Accept: application/json"]), 200,
           "GET /connectors with Accept: application/json")
    expect(api.get("/connectors", headers=["Accept: text/html, application/json;q=0.9"]), 200,
           "GET /connectors with Accept: text/html, application/json;q=0.9")
    expect(api.get("/connectors", headers=["Accept: */*"]), 200,
           "GET /connectors with Accept: */*")

    big = {"name": "big", "config": sink_conf("big.txt", "t", padding="x" * 200000)}
    expect_error(api.post("/connectors", big), 413,
                 "POST a 200 kB body (rest.request.max.bytes=65536)")
    r = api.post("/connectors", big, headers=["Expect: 100-continue"])
    expect_error(r, 413, "POST a 200 kB body with Expect: 100-continue")
    r = api.post("/connectors", big, headers=["Transfer-Encoding: chunked"])
    expect_error(r, 413, "POST a 200 kB chunked body (no Content-Length)")
    expect_error(api.get("/connectors/big"), 404, "the 413 bodies created nothing")
    small = {"name": "small", "config": sink_conf("small.txt", "t", padding="x" * 30000)}
    expect(api.post("/connectors", small), 201, "a 30 kB body under the limit is accepted")

    for raw, what in ((b'{"name": "x", ', "truncated JSON"), (b'{"name": x}', "a bare word"),
                      (b"", "an empty body")):
        expect_error(api.post("/connectors", raw=raw), 400, f"POST /connectors with {what}")
    expect_error(api.put("/connectors/idle-src/config", raw=b"[1, 2]"), 400,
                 "PUT config with a JSON array instead of an object")
    check(c.w.alive(), "the worker is still running after the protocol errors")


def g_loggers(c):
    group("admin loggers")
    api = c.api
    r = api.get("/admin/loggers")
    expect(r, 200, "GET /admin/loggers")
    lg = r.obj
    check("root" in lg and lg["root"].get("level") in ("TRACE", "DEBUG", "INFO", "WARN",
                                                         "ERROR", "OFF"),
          "GET /admin/loggers has root with its level", r)
    check(all(isinstance(v, dict) and "level" in v for v in lg.values()),
          "every logger has a level", r)
    r = api.get("/admin/loggers/root")
    check(r.status == 200 and isinstance(r.json, dict) and r.obj.get("level") == "INFO",
          "GET /admin/loggers/root -> {level: INFO}", r)
    name = next((k for k in sorted(lg) if k != "root"), "root")
    level = "DEBUG" if name != "root" else "WARN"
    r = api.put(f"/admin/loggers/{name}", {"level": level})
    expect(r, 200, f"PUT /admin/loggers/{name} {{level: {level}}}")
    check(isinstance(r.json, list) and name in r.json,
          f"the PUT answers the list of affected loggers, with {name}", r)
    r = api.get(f"/admin/loggers/{name}")
    check(r.status == 200 and r.obj.get("level") == level
          and isinstance(r.obj.get("last_modified"), int),
          f"GET /admin/loggers/{name} -> {level} with a last_modified time", r)
    r = api.put(f"/admin/loggers/{name}", {"level": "info"})
    expect(r, 200, f"PUT /admin/loggers/{name} back to info (lower case)")
    check(api.get(f"/admin/loggers/{name}").obj.get("level") == "INFO", f"{name} is INFO again")
    r = api.put("/admin/loggers/root?scope=cluster", {"level": "INFO"})
    expect(r, 204, "PUT /admin/loggers/root?scope=cluster (Kafka answers no content)")
    expect_error(api.get("/admin/loggers/no.such.logger"), 404, "GET /admin/loggers/no.such.logger")
    expect_error(api.put("/admin/loggers/root", {"level": "LOUD"}), 404,
                 "PUT /admin/loggers/root {level: LOUD}", ["LOUD"])
    expect_error(api.put("/admin/loggers/root", {}), 400, "PUT /admin/loggers/root {}",
                 ["level"])


def g_concurrency(c):
    group("concurrent clients")
    api, d = c.api, c.d
    bad, lock = [], threading.Lock()

    def client(i):
        name = f"conc-{i}"
        steps = [("POST", "/connectors", {"name": name,
                                          "config": source_conf(f"{d}/empty.txt", "conc")}, 201),
                 ("GET", f"/connectors/{name}/status", None, 200),
                 ("PUT", f"/connectors/{name}/pause", None, 202),
                 ("GET", "/connectors?expand=status&expand=info", None, 200),
                 ("PUT", f"/connectors/{name}/resume", None, 202),
                 ("POST", f"/connectors/{name}/restart?includeTasks=true", None, 202),
                 ("GET", f"/connectors/{name}/tasks", None, 200),
                 ("DELETE", f"/connectors/{name}", None, 204)]
        for _ in range(3):
            for method, path, body, want in steps:
                r = api(method, path, body)
                if r.status != want:
                    with lock:
                        bad.append(f"{method} {path} -> {r.status} (wanted {want}): {r.body[:200]}")
    t = time.time()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    check(not bad, "8 clients x 3 rounds of create, status, pause, list, resume, restart, tasks, "
          f"delete at once: every answer as expected ({time.time() - t:.1f}s)", "\n".join(bad[:8]))
    check(c.w.alive(), "the worker is still running", lambda: tail(c.w.stderr()))
    left = [n for n in api.get("/connectors").json or [] if n.startswith("conc-")]
    check(left == [], "every conc-* connector is gone", left)


def g_restart_persistence(c):
    """Must run last on the shared worker: it restarts it."""
    group("persistence across a restart (config.storage.file.filename)")
    api = c.api
    before = api.get("/connectors?expand=status&expand=info").json
    require(isinstance(before, dict) and before, "the connectors before the restart", before)
    stop_ok(c.w)
    require(os.path.exists(f"{c.d}/connect.configs"), "config.storage.file.filename exists")
    c.w.start()
    after = {}

    def same_set():
        nonlocal after
        after = api.get("/connectors?expand=status&expand=info").json or {}
        return set(after) == set(before)
    wait_for(same_set, 20, "after the restart the same connectors exist",
             lambda: f"before {sorted(before)}, after {sorted(after)}")
    for name in sorted(before):
        check(after[name]["info"]["config"] == before[name]["info"]["config"],
              f"{name!r} has the same config after the restart",
              f"{before[name]['info']['config']} vs {after[name]['info']['config']}")
    for name, state in (("initial-paused", "PAUSED"), ("initial-stopped", "STOPPED")):
        check(after.get(name, {}).get("status", {}).get("connector", {}).get("state") == state,
              f"{name} is still {state}", after.get(name))
    wait_state(api, "idle-src", "RUNNING", ["RUNNING"])
    expect(api.delete("/connectors/crud"), 204, "DELETE crud")
    stop_ok(c.w)
    c.w.start()
    names = api.get("/connectors").json or []
    check("crud" not in names and "idle-src" in names,
          "a connector deleted through REST stays deleted after a restart", names)


SHARED = [("seeds", g_root_and_seeds), ("crud", g_crud), ("status", g_status_restart),
          ("pipeline", g_pipeline), ("failure", g_failure), ("plugins", g_plugins),
          ("protocol", g_protocol), ("loggers", g_loggers), ("concurrency", g_concurrency),
          ("persist", g_restart_persistence)]


def run_group(name, fn, *args):
    """Runs one group; a failed require or an error in the test ends only that group."""
    t = time.time()
    try:
        fn(*args)
    except GroupFailed:
        print(f"--- group {name} stopped at its first failure", flush=True)
    except Exception:
        traceback.print_exc()
        last = traceback.format_exc().strip().split("\n")[-1]
        sa.failed.append(f"{name}: the test raised {last}")
    print(f"--- {name}: {time.time() - t:.1f}s", flush=True)


def stop_ok(w, what="the worker"):
    """SIGTERM by PID; exit status 0 also means ASan found no leak."""
    rc = w.stop()
    check(rc == 0, f"{what} stops on SIGTERM with exit status 0 (got {rc})",
          lambda: tail(w.stderr()))


def refused_start(d):
    """Runs a worker expected to refuse to start: (exit status, stderr so far)."""
    err_path = os.path.join(d, "refused.err")
    with open(err_path, "wb") as err:
        p = subprocess.Popen([sa.SLUICE, "standalone", "worker.properties"], cwd=d,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            rc = p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()  # by PID
            p.wait()
            rc = "none (still running 15 s later, killed)"
    with open(err_path, encoding="utf-8", errors="replace") as f:
        return rc, f.read()


def test_shared(selected):
    d = tempfile.mkdtemp(prefix="sluice-rest-")
    try:
        bport, rport = free_port(), free_port()
        worker_file(d, bport, rport, f"config.storage.file.filename={d}/connect.configs\n"
                    "rest.request.max.bytes=65536\n")
        w = Worker(d, "worker.properties")
        run_group("start", w.start)
        if not w.alive():
            return
        c = Ctx(d, w, Api(f"http://127.0.0.1:{rport}"), f"127.0.0.1:{bport}", rport)
        for name, fn in SHARED:
            if selected is None or name in selected:
                run_group(name, fn, c)
        if w.alive():
            stop_ok(w, "the shared worker")
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_auth_cors_admin():
    group("Basic authentication, CORS and admin.listeners")
    d = tempfile.mkdtemp(prefix="sluice-rest-auth-")
    try:
        bport, rport, aport = free_port(), free_port(), free_port()
        properties(d, "credentials", None, "alice: s3cret\nbob: hunter2\n")
        worker_file(d, bport, rport, f"rest.auth.credentials.file={d}/credentials\n"
                    "access.control.allow.origin=http://ui.example\n"
                    "access.control.allow.methods=GET,POST,PUT,DELETE\n"
                    f"admin.listeners=http://127.0.0.1:{aport}\n"
                    "response.http.headers.config=set X-Frame-Options: DENY, "
                    "add Cache-Control: no-store\n")
        w = Worker(d, "worker.properties").start()
        anon = Api(f"http://127.0.0.1:{rport}")
        alice = Api(f"http://127.0.0.1:{rport}", ["-u", "alice:s3cret"])
        r = anon.get("/connectors")
        expect_error(r, 401, "GET /connectors without credentials")
        check((r.header("www-authenticate") or "").lower().startswith("basic"),
              "the 401 has WWW-Authenticate: Basic …", r)
        expect_error(Api(anon.base, ["-u", "alice:wrong"]).get("/connectors"), 401,
                     "GET /connectors with a wrong password")
        expect_error(Api(anon.base, ["-u", "mallory:s3cret"]).get("/connectors"), 401,
                     "GET /connectors as an unknown user")
        r = alice.get("/connectors")
        expect(r, 200, "GET /connectors as alice")
        check(r.header("x-frame-options") == "DENY" and "no-store" in (r.header("cache-control")
                                                                       or ""),
              "response.http.headers.config adds X-Frame-Options: DENY and Cache-Control", r)
        expect(Api(anon.base, ["-u", "bob:hunter2"]).get("/"), 200, "GET / as bob")
        r = alice.post("/connectors", {"name": "authed",
                                       "config": sink_conf(f"{d}/a.txt", "t")})
        expect(r, 201, "POST /connectors as alice")
        expect_error(anon.delete("/connectors/authed"), 401, "DELETE without credentials")
        expect(alice.get("/connectors/authed"), 200, "the connector is still there")

        r = alice.get("/connectors", headers=["Origin: http://ui.example"])
        check(r.status == 200 and r.header("access-control-allow-origin") == "http://ui.example",
              "a request from the allowed origin gets Access-Control-Allow-Origin", r)
        r = alice("OPTIONS", "/connectors/authed/pause",
                  headers=["Origin: http://ui.example", "Access-Control-Request-Method: PUT"])
        check(200 <= r.status < 300
              and r.header("access-control-allow-origin") == "http://ui.example"
              and "PUT" in (r.header("access-control-allow-methods") or ""),
              "a preflight OPTIONS for PUT is allowed with Access-Control-Allow-Methods", r)
        r = alice.get("/connectors", headers=["Origin: http://evil.example"])
        check(r.header("access-control-allow-origin") is None,
              "another origin gets no Access-Control-Allow-Origin", r)

        admin = Api(f"http://127.0.0.1:{aport}", ["-u", "alice:s3cret"])
        r = admin.get("/admin/loggers")
        check(r.status == 200 and isinstance(r.json, dict) and "root" in r.json,
              "GET /admin/loggers on admin.listeners -> 200", r)
        expect_error(alice.get("/admin/loggers"), 404,
                     "GET /admin/loggers on the regular listener when admin.listeners is set")
        stop_ok(w)
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_https_and_plain_default():
    group("HTTPS listener; no CORS header by default")
    d = tempfile.mkdtemp(prefix="sluice-rest-https-")
    try:
        r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                            "-keyout", f"{d}/key.pem", "-out", f"{d}/cert.pem", "-days", "2",
                            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                           capture_output=True, timeout=60)
        require(r.returncode == 0, "openssl makes a self-signed certificate", r.stderr)
        bport, rport = free_port(), free_port()
        text = open(os.path.join(d, worker_file(d, bport, rport))).read()
        text = text.replace(f"listeners=http://127.0.0.1:{rport}",
                            f"listeners=https://127.0.0.1:{rport}")
        properties(d, "worker.properties", None, text +
                   f"listeners.https.ssl.certificate.location={d}/cert.pem\n"
                   f"listeners.https.ssl.key.location={d}/key.pem\n")
        w = Worker(d, "worker.properties").start()
        tls = Api(f"https://127.0.0.1:{rport}", ["--cacert", f"{d}/cert.pem"])
        r = tls.get("/")
        check(r.status == 200 and isinstance(r.json, dict) and "version" in r.json,
              "GET https://…/ verifies against the certificate and answers 200", r)
        r = tls.post("/connectors", {"name": "tls", "config": sink_conf(f"{d}/t.txt", "t")})
        expect(r, 201, "POST /connectors over HTTPS")
        check(r.header("location") in ("/connectors/tls", f"{tls.base}/connectors/tls"),
              "Location over HTTPS is /connectors/tls or https://…/connectors/tls", r)
        r = Api(f"https://127.0.0.1:{rport}").get("/")
        check(r.curl_rc != 0, "curl without the CA refuses the self-signed certificate", r)
        r = Api(f"http://127.0.0.1:{rport}").get("/")
        check(r.status != 200, "plain HTTP to the HTTPS listener gets no 200", r)
        r = tls.get("/connectors", headers=["Origin: http://ui.example"])
        check(r.status == 200 and r.header("access-control-allow-origin") is None,
              "without access.control.allow.origin no CORS header is sent", r)
        check(w.alive(), "the worker survived the plain-HTTP request")
        stop_ok(w)
    finally:
        kill_leftovers()
        shutil.rmtree(d, ignore_errors=True)


def test_listener_keys():
    group("rest.host.name/rest.port aliases; listeners that cannot start")
    base = tempfile.mkdtemp(prefix="sluice-rest-listeners-")
    try:
        d = tempfile.mkdtemp(dir=base)
        bport, rport = free_port(), free_port()
        text = open(os.path.join(d, worker_file(d, bport, rport))).read()
        properties(d, "worker.properties", None, text.replace(
            f"listeners=http://127.0.0.1:{rport}\n",
            f"rest.host.name=127.0.0.1\nrest.port={rport}\n"))
        w = Worker(d, "worker.properties").start()
        r = Api(f"http://127.0.0.1:{rport}").get("/connectors")
        check(r.status == 200 and r.json == [],
              "with rest.host.name and rest.port (no listeners) the API answers on that port", r)
        check(any(" WARN " in x and "rest.port" in x for x in w.stderr().split("\n")),
              "a WARN line says rest.port is deprecated", lambda: tail(w.stderr()))
        stop_ok(w)

        busy = socket.socket()
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        bport, taken = free_port(), busy.getsockname()[1]
        d = tempfile.mkdtemp(dir=base)
        worker_file(d, bport, taken)
        try:
            rc, err = refused_start(d)
        finally:
            busy.close()
        check(rc == 1, f"a listener on a port in use: the worker exits 1 (got {rc})", tail(err))
        check(f"127.0.0.1:{taken}" in err and "listeners" in err,
              "stderr names listeners and the address in use", tail(err))

        d = tempfile.mkdtemp(dir=base)
        bport, rport = free_port(), free_port()
        text = open(os.path.join(d, worker_file(d, bport, rport))).read()
        properties(d, "worker.properties", None,
                   text.replace("listeners=http://", "listeners=https://")
                   + f"listeners.https.ssl.certificate.location={d}/no-cert.pem\n"
                   f"listeners.https.ssl.key.location={d}/no-key.pem\n")
        rc, err = refused_start(d)
        check(rc == 1, f"an HTTPS listener without its PEM files: the worker exits 1 (got {rc})",
              tail(err))
        check("listeners.https.ssl." in err and "no-" in err,
              "stderr names the listeners.https.ssl.* key and the missing file", tail(err))
    finally:
        kill_leftovers()
        shutil.rmtree(base, ignore_errors=True)


def main():
    # Optional group names after the binary run only those (shared-worker groups need the
    # ones before them: seeds, crud, status, ...).
    selected = set(sys.argv[2:]) or None
    t0 = time.time()
    test_shared(selected)
    for name, fn in (("auth", test_auth_cors_admin), ("https", test_https_and_plain_default),
                     ("listeners", test_listener_keys)):
        if selected is None or name in selected:
            run_group(name, fn)
            kill_leftovers()
    print(f"{sa.passed} passed, {len(sa.failed)} failed ({time.time() - t0:.1f}s)")
    for f in sa.failed:
        print(f"  failed: {f}")
    sys.exit(1 if sa.failed else 0)


if __name__ == "__main__":
    main()
