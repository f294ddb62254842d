#!/usr/bin/python3
"""One kafka-python consumer group member, run as its own process by
broker_clients.py: consumes for SECS seconds, commits after every poll,
records its assignment once when the file SNAPSHOT appears (so several
members can be compared at one moment), and prints a JSON line with what it
consumed and which partitions it held."""
import os
import json
import sys
import time

from kafka import KafkaConsumer

bootstrap, name, topic, group, secs, snapshot_file = sys.argv[1:7]
c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group,
                  auto_offset_reset="earliest", enable_auto_commit=False, client_id=name,
                  session_timeout_ms=10000, heartbeat_interval_ms=500)
consumed = 0
seen = set()
snapshot = None
end = time.time() + float(secs)
while time.time() < end:
    records = c.poll(timeout_ms=200, max_records=5000)
    n = sum(len(v) for v in records.values())
    if n:
        c.commit()
        consumed += n
    seen |= {p.partition for p in c.assignment()}
    if snapshot is None and os.path.exists(snapshot_file):
        snapshot = sorted(p.partition for p in c.assignment())
print(json.dumps({"name": name, "consumed": consumed, "snapshot": snapshot,
                  "seen": sorted(seen)}))
c.close()
