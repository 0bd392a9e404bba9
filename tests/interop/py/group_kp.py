#!/usr/bin/python3
# kafka-python 2.0.2 (Debian python3-kafka) group driver for tests/interop/group_*_test.cc.
# Run with Debian's /usr/bin/python3. Output: tab-separated lines.
#
#   consume BOOTSTRAP TOPIC GROUP MAX [--commit sync|async|auto] [--reset earliest|latest|none]
#       subscribe in GROUP, read up to MAX records (or until 6 s without one), committing
#       after each record (sync/async) or by auto-commit, then close()
#       -> rec P OFFSET KEY VALUE / error NAME / done COUNT
#   list BOOTSTRAP                -> group ID PROTOCOL_TYPE
#   describe BOOTSTRAP GROUP      -> described ID STATE PROTOCOL_TYPE PROTOCOL MEMBERS
#   offsets BOOTSTRAP GROUP       -> offset TOPIC P OFFSET
#   delete BOOTSTRAP GROUP...     -> deleted ID ERROR
import sys
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.consumer.fetcher import NoOffsetForPartitionError

NULL = "\\N"


def out(*fields):
    print("\t".join(str(f) for f in fields), flush=True)


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def cmd_consume(args):
    bootstrap, topic, group, max_records = args[0], args[1], args[2], int(args[3])
    commit = opt(args, "--commit", "sync")
    reset = opt(args, "--reset", "earliest")
    c = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=commit == "auto", max_poll_records=1,
                      auto_commit_interval_ms=200, auto_offset_reset=reset, session_timeout_ms=10000,
                      heartbeat_interval_ms=1000, request_timeout_ms=30000)
    count = 0
    last = time.time()
    start = time.time()
    try:
        while count < max_records and time.time() - last < 6 and time.time() - start < 45:
            batch = c.poll(timeout_ms=300)
            for tp, msgs in batch.items():
                for m in msgs:
                    count += 1
                    last = time.time()
                    key = NULL if m.key is None else m.key.decode()
                    out("rec", m.partition, m.offset, key, m.value.decode())
                    if commit == "sync":
                        c.commit()
                    elif commit == "async":
                        c.commit_async()
                    if count >= max_records:
                        break
                if count >= max_records:
                    break
    except NoOffsetForPartitionError as e:
        out("error", "NoOffsetForPartitionError")
    out("done", count)
    c.close(autocommit=commit == "auto")


def admin(bootstrap):
    return KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=20000)


def cmd_list(args):
    for gid, ptype in admin(args[0]).list_consumer_groups():
        out("group", gid, ptype)


def cmd_describe(args):
    for g in admin(args[0]).describe_consumer_groups([args[1]]):
        out("described", g.group, g.state, g.protocol_type, g.protocol, len(g.members))


def cmd_offsets(args):
    for tp, om in sorted(admin(args[0]).list_consumer_group_offsets(args[1]).items()):
        out("offset", tp.topic, tp.partition, om.offset)


def cmd_delete(args):
    for gid, err in admin(args[0]).delete_consumer_groups(args[1:]):
        # kafka-python returns error classes (NoError for success).
        errno = getattr(err, "errno", 0)
        out("deleted", gid, "none" if errno == 0 else err.__name__, errno)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"consume": cmd_consume, "list": cmd_list, "describe": cmd_describe, "offsets": cmd_offsets,
     "delete": cmd_delete}[cmd](args)


if __name__ == "__main__":
    main()
