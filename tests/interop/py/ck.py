#!/usr/bin/python3
# confluent-kafka-python (Debian python3-confluent-kafka, librdkafka 2.0.2) driver for
# tests/interop/confluent_kafka_test.cc and friends. Run with Debian's /usr/bin/python3.
#
# Every command prints tab-separated lines the C++ test parses; exit code 0 unless the
# command itself could not run (an unexpected exception). Per-record / per-topic errors
# are printed as lines, not raised, so the test can assert on them.
#
#   create    BOOTSTRAP TOPIC PARTITIONS [key=value ...]  -> created|error  TOPIC [code name]
#   delete    BOOTSTRAP TOPIC                              -> deleted|error  TOPIC [code name]
#   describe  BOOTSTRAP TOPIC    -> topic TOPIC N_PARTITIONS ERROR / partition ID LEADER
#                                   REPLICAS ISRS / broker ID HOST PORT / controller ID
#   configs   BOOTSTRAP TOPIC    -> config NAME VALUE SOURCE_ID READ_ONLY DEFAULT
#   produce   BOOTSTRAP TOPIC [--compression C] [--idempotence] [--partitioner P]
#             [--timeout-ms N] [--linger-ms N] [--batch-num-messages N]
#                                 stdin: PARTITION KEY VALUE HEADERS [TIMESTAMP_MS] per line
#                                 -> ack P OFFSET KEY VALUE | err KEY VALUE ERRNAME
#   consume   BOOTSTRAP TOPIC PARTITION START [--seek OFFSET]
#             START: beginning | end | <offset>; reads up to the high watermark
#                                 -> rec P OFFSET KEY VALUE HEADERS TIMESTAMP
#   offsets   BOOTSTRAP TOPIC PARTITION [TS ...]
#                                 -> watermark P LOW HIGH / time TS OFFSET
#
# KEY "\N" stands for a null key; HEADERS is "k=v,k2=v2" ("" for none; "k" alone for a
# null header value).
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

NULL = "\\N"
TIMEOUT_S = 20.0


def out(*fields):
    print("\t".join(str(f) for f in fields), flush=True)


def base_conf(bootstrap):
    return {"bootstrap.servers": bootstrap, "socket.timeout.ms": 10000, "api.version.request.timeout.ms": 10000}


def fmt_headers(headers):
    if not headers:
        return ""
    parts = []
    for k, v in headers:
        parts.append(k if v is None else "%s=%s" % (k, v.decode()))
    return ",".join(parts)


def parse_headers(text):
    if not text:
        return None
    hs = []
    for item in text.split(","):
        if "=" in item:
            k, v = item.split("=", 1)
            hs.append((k, v.encode()))
        else:
            hs.append((item, None))
    return hs


def cmd_create(bootstrap, topic, partitions, *configs):
    admin = AdminClient(base_conf(bootstrap))
    cfg = dict(c.split("=", 1) for c in configs)
    fs = admin.create_topics([NewTopic(topic, int(partitions), 1, config=cfg)], operation_timeout=15, request_timeout=15)
    for t, f in fs.items():
        try:
            f.result(timeout=TIMEOUT_S)
            out("created", t)
        except KafkaException as e:
            err = e.args[0]
            out("error", t, err.code(), err.name(), err.str())


def cmd_delete(bootstrap, topic):
    admin = AdminClient(base_conf(bootstrap))
    fs = admin.delete_topics([topic], operation_timeout=15, request_timeout=15)
    for t, f in fs.items():
        try:
            f.result(timeout=TIMEOUT_S)
            out("deleted", t)
        except KafkaException as e:
            err = e.args[0]
            out("error", t, err.code(), err.name(), err.str())


def cmd_describe(bootstrap, topic):
    admin = AdminClient(base_conf(bootstrap))
    md = admin.list_topics(topic=topic, timeout=TIMEOUT_S)
    out("controller", md.controller_id)
    for b in md.brokers.values():
        out("broker", b.id, b.host, b.port)
    for t in md.topics.values():
        out("topic", t.topic, len(t.partitions), t.error.name() if t.error else "NONE")
        for p in sorted(t.partitions.values(), key=lambda p: p.id):
            out("partition", p.id, p.leader, ",".join(map(str, p.replicas)), ",".join(map(str, p.isrs)))


def cmd_configs(bootstrap, topic):
    admin = AdminClient(base_conf(bootstrap))
    fs = admin.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, topic)], request_timeout=15)
    for res, f in fs.items():
        try:
            entries = f.result(timeout=TIMEOUT_S)
        except KafkaException as e:
            err = e.args[0]
            out("error", res.name, err.code(), err.name(), err.str())
            continue
        for name in sorted(entries):
            e = entries[name]
            out("config", name, e.value, int(e.source), int(e.is_read_only), int(e.is_default))


def cmd_produce(bootstrap, topic, *opts):
    conf = base_conf(bootstrap)
    conf.update({"linger.ms": 5, "message.timeout.ms": 15000})
    i = 0
    while i < len(opts):
        o = opts[i]
        if o == "--compression":
            conf["compression.type"] = opts[i + 1]
            i += 2
        elif o == "--idempotence":
            conf["enable.idempotence"] = True
            i += 1
        elif o == "--partitioner":
            conf["partitioner"] = opts[i + 1]
            i += 2
        elif o == "--timeout-ms":
            conf["message.timeout.ms"] = int(opts[i + 1])
            i += 2
        elif o == "--linger-ms":
            conf["linger.ms"] = int(opts[i + 1])
            i += 2
        elif o == "--batch-num-messages":
            # Small batches: many produce requests, pipelined (max.in.flight 5 by default).
            conf["batch.num.messages"] = int(opts[i + 1])
            i += 2
        else:
            raise SystemExit("unknown option " + o)
    p = Producer(conf)
    results = []

    def on_delivery(err, msg):
        key = NULL if msg.key() is None else msg.key().decode()
        if err is not None:
            results.append(("err", key, msg.value().decode(), err.name()))
        else:
            results.append(("ack", msg.partition(), msg.offset(), key, msg.value().decode()))

    for line in sys.stdin.read().splitlines():
        if not line:
            continue
        f = line.split("\t")
        part, key, value = int(f[0]), f[1], f[2]
        headers = parse_headers(f[3]) if len(f) > 3 else None
        kw = {"value": value.encode(), "on_delivery": on_delivery}
        if key != NULL:
            kw["key"] = key.encode()
        if part >= 0:
            kw["partition"] = part
        if headers:
            kw["headers"] = headers
        if len(f) > 4 and f[4]:
            kw["timestamp"] = int(f[4])
        p.produce(topic, **kw)
        p.poll(0)
    remaining = p.flush(30)
    for r in results:
        out(*r)
    if remaining:
        out("unflushed", remaining)


def cmd_consume(bootstrap, topic, partition, start, *opts):
    partition = int(partition)
    seek_to = None
    if opts and opts[0] == "--seek":
        seek_to = int(opts[1])
    conf = base_conf(bootstrap)
    # A group.id is required by the client API, but only assign() is used: no JoinGroup.
    conf.update({"group.id": "ringtail-interop-assign-only", "enable.auto.commit": False,
                 "enable.auto.offset.store": False, "enable.partition.eof": True})
    c = Consumer(conf)
    low, high = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=TIMEOUT_S)
    out("watermark", partition, low, high)
    if start == "beginning":
        off = -2  # OFFSET_BEGINNING
    elif start == "end":
        off = -1  # OFFSET_END
    else:
        off = int(start)
    c.assign([TopicPartition(topic, partition, off)])
    if seek_to is not None:
        # Seek only once the assignment has resolved its start offset (a first record):
        # librdkafka lets the lookup of a logical start offset still pending from
        # assign() land after a seek and move the position back (its issue #2256, a
        # known client race; the records after the seek then came twice, ~1 run in 5).
        deadline = time.time() + TIMEOUT_S
        while time.time() < deadline:
            m = c.poll(0.2)
            if m is not None:
                break
        deadline = time.time() + TIMEOUT_S
        while True:
            try:
                c.seek(TopicPartition(topic, partition, seek_to))
                break
            except KafkaException:
                if time.time() > deadline:
                    raise
                c.poll(0.1)
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == KafkaError._PARTITION_EOF:
                break
            out("consume_error", m.error().name(), m.error().str())
            break
        key = NULL if m.key() is None else m.key().decode()
        out("rec", m.partition(), m.offset(), key, m.value().decode(), fmt_headers(m.headers()), m.timestamp()[1])
    else:
        out("timeout")
    c.close()


def cmd_offsets(bootstrap, topic, partition, *timestamps):
    partition = int(partition)
    conf = base_conf(bootstrap)
    conf.update({"group.id": "ringtail-interop-assign-only", "enable.auto.commit": False})
    c = Consumer(conf)
    low, high = c.get_watermark_offsets(TopicPartition(topic, partition), timeout=TIMEOUT_S)
    out("watermark", partition, low, high)
    if timestamps:
        tps = [TopicPartition(topic, partition, int(ts)) for ts in timestamps]
        # offsets_for_times takes one timestamp per partition per call.
        for tp in tps:
            r = c.offsets_for_times([TopicPartition(topic, partition, tp.offset)], timeout=TIMEOUT_S)
            out("time", tp.offset, r[0].offset, r[0].error.name() if r[0].error else "NONE")
    c.close()


COMMANDS = {
    "create": cmd_create,
    "delete": cmd_delete,
    "describe": cmd_describe,
    "configs": cmd_configs,
    "produce": cmd_produce,
    "consume": cmd_consume,
    "offsets": cmd_offsets,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit("usage: ck.py {%s} ..." % "|".join(COMMANDS))
    COMMANDS[sys.argv[1]](*sys.argv[2:])
