#!/usr/bin/python3
# confluent-kafka-python (librdkafka 2.0.2) group consumer for tests/interop/group_*_test.cc.
# Run with Debian's /usr/bin/python3. Output: tab-separated lines the C++ test parses.
#
#   consume BOOTSTRAP TOPIC GROUP [options]
#     --assignor range|roundrobin|cooperative-sticky   (partition.assignment.strategy)
#     --commit sync|async|auto|none   commit after processing each record (default sync)
#     --reset earliest|latest|none    auto.offset.reset (default earliest)
#     --session-ms N                  session.timeout.ms (default 6000)
#     --instance ID                   group.instance.id (static membership)
#     --max N                         stop after N records
#     --idle-s S                      stop after S seconds without a record (default 5)
#     --until-file PATH               stop when PATH exists (overrides --idle-s)
#     --limit-s S                     hard time limit (default 50)
#     --no-close                      exit without close() (as if killed)
#   -> ready (after the first assignment), owned P,P,... (after every assignment change),
#      rec P OFFSET KEY VALUE, error NAME (consumer errors), done COUNT
#   list BOOTSTRAP    -> group ID PROTOCOL_TYPE (legacy list_groups: ListGroups+DescribeGroups)
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition
from confluent_kafka.admin import AdminClient

NULL = "\\N"


def out(*fields):
    print("\t".join(str(f) for f in fields), flush=True)


def opt(args, name, default=None):
    if name in args:
        i = args.index(name)
        return args[i + 1]
    return default


def consume(args):
    bootstrap, topic, group = args[0], args[1], args[2]
    assignor = opt(args, "--assignor", "range")
    commit = opt(args, "--commit", "sync")
    reset = opt(args, "--reset", "earliest")
    session_ms = int(opt(args, "--session-ms", "6000"))
    instance = opt(args, "--instance")
    max_records = int(opt(args, "--max", "0"))
    idle_s = float(opt(args, "--idle-s", "5"))
    until_file = opt(args, "--until-file")
    limit_s = float(opt(args, "--limit-s", "50"))
    close = "--no-close" not in args

    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": group,
        "partition.assignment.strategy": assignor,
        "session.timeout.ms": session_ms,
        "heartbeat.interval.ms": max(100, session_ms // 6),
        "enable.auto.commit": commit == "auto",
        "auto.commit.interval.ms": 200,
        "auto.offset.reset": "error" if reset == "none" else reset,
        "socket.timeout.ms": 10000,
        "topic.metadata.refresh.interval.ms": 2000,
    }
    if instance:
        conf["group.instance.id"] = instance
    owned = set()
    state = {"ready": False}

    def show():
        out("owned", ",".join(str(p) for p in sorted(owned)))
        if not state["ready"] and owned:
            state["ready"] = True
            out("ready")

    def on_assign(c, parts):
        if assignor == "cooperative-sticky":
            owned.update(p.partition for p in parts)
        else:
            owned.clear()
            owned.update(p.partition for p in parts)
        show()

    def on_revoke(c, parts):
        if assignor == "cooperative-sticky":
            owned.difference_update(p.partition for p in parts)
        else:
            owned.clear()
        show()

    def on_lost(c, parts):
        owned.difference_update(p.partition for p in parts)
        show()

    c = Consumer(conf)
    c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    count = 0
    start = time.time()
    last = time.time()
    while True:
        now = time.time()
        if now - start > limit_s:
            out("limit")
            break
        if until_file:
            if os.path.exists(until_file):
                break
        elif count > 0 and now - last > idle_s:
            break
        elif count == 0 and now - last > max(idle_s, 15):
            break
        if max_records and count >= max_records:
            break
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            out("error", m.error().name())
            if m.error().code() == KafkaError._AUTO_OFFSET_RESET:
                break
            continue
        count += 1
        last = time.time()
        key = NULL if m.key() is None else m.key().decode()
        out("rec", m.partition(), m.offset(), key, m.value().decode())
        if commit == "sync":
            try:
                c.commit(message=m, asynchronous=False)
            except KafkaException as e:
                out("commit-error", e.args[0].name())
        elif commit == "async":
            c.commit(message=m, asynchronous=True)
    out("done", count)
    if close:
        if commit == "async":
            try:
                c.commit(asynchronous=False)
            except KafkaException:
                pass
        c.close()
    else:
        sys.stdout.flush()
        os._exit(0)


def list_groups(args):
    a = AdminClient({"bootstrap.servers": args[0]})
    for g in a.list_groups(timeout=15):
        out("group", g.id, g.protocol_type, g.state, len(g.members))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "consume":
        consume(args)
    elif cmd == "list":
        list_groups(args)
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
