#!/usr/bin/python3
# kafka-python 2.0.2 (Debian python3-kafka) driver for the interop tests. Run with
# Debian's /usr/bin/python3. Output: tab-separated lines, as in ck.py.
#
#   produce  BOOTSTRAP TOPIC   stdin: KEY VALUE [HEADERS] per line; the producer's
#                              defaults (acks=1, murmur2 partitioner, no compression)
#                              -> ack P OFFSET KEY VALUE | err KEY VALUE ERROR
#   consume  BOOTSTRAP TOPIC   no group: assign() every partition, seek_to_beginning(),
#                              read up to end_offsets()
#                              -> partitions N / end P OFFSET / rec P OFFSET KEY VALUE HEADERS TIMESTAMP
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

NULL = "\\N"
TIMEOUT_S = 20.0


def out(*fields):
    print("\t".join(str(f) for f in fields), flush=True)


def fmt_headers(headers):
    return ",".join(k if v is None else "%s=%s" % (k, v.decode()) for k, v in (headers or []))


def parse_headers(text):
    hs = []
    for item in text.split(",") if text else []:
        k, _, v = item.partition("=")
        hs.append((k, v.encode()))
    return hs


def cmd_produce(bootstrap, topic):
    p = KafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=15000, max_block_ms=15000)
    pending = []
    for line in sys.stdin.read().splitlines():
        if not line:
            continue
        f = line.split("\t")
        key = None if f[0] == NULL else f[0].encode()
        headers = parse_headers(f[2]) if len(f) > 2 else []
        pending.append((f[0], f[1], p.send(topic, key=key, value=f[1].encode(), headers=headers)))
    p.flush(timeout=TIMEOUT_S)
    for k, v, fut in pending:
        try:
            md = fut.get(timeout=TIMEOUT_S)
            out("ack", md.partition, md.offset, k, v)
        except Exception as e:  # noqa: BLE001 - report any delivery failure as a line
            out("err", k, v, type(e).__name__ + ": " + str(e))
    p.close(timeout=10)


def cmd_consume(bootstrap, topic):
    c = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                      auto_offset_reset="earliest", request_timeout_ms=15000)
    deadline = time.time() + TIMEOUT_S
    parts = c.partitions_for_topic(topic)
    while not parts and time.time() < deadline:
        time.sleep(0.2)
        parts = c.partitions_for_topic(topic)
    parts = sorted(parts or [])
    out("partitions", len(parts))
    tps = [TopicPartition(topic, p) for p in parts]
    c.assign(tps)
    c.seek_to_beginning(*tps)
    ends = c.end_offsets(tps)
    for tp in tps:
        out("end", tp.partition, ends[tp])
    recs = []
    while time.time() < deadline and any(c.position(tp) < ends[tp] for tp in tps):
        for tp, msgs in c.poll(timeout_ms=500).items():
            for m in msgs:
                key = NULL if m.key is None else m.key.decode()
                recs.append((m.partition, m.offset, key, m.value.decode(), fmt_headers(m.headers), m.timestamp))
    for r in recs:
        out("rec", *r)
    if any(c.position(tp) < ends[tp] for tp in tps):
        out("timeout")
    c.close()


if __name__ == "__main__":
    cmds = {"produce": cmd_produce, "consume": cmd_consume}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        raise SystemExit("usage: kp.py {produce|consume} ...")
    cmds[sys.argv[1]](*sys.argv[2:])
