// kafkajs 2.2.4 group consumer for tests/interop/group_kafkajs_test.cc.
//
//   node group_consume.js BOOTSTRAP TOPIC GROUP MAX [--auto]
//     subscribe (fromBeginning), read up to MAX records (or 6 s without one), commit
//     each record's offset+1 right after processing it (or kafkajs auto-commit with
//     --auto), then disconnect.
//     -> "rec P OFFSET KEY VALUE" per record, then "done COUNT"
// Lines are tab-separated. Any failure: message on stderr, exit code 1.
'use strict';

const { Kafka, logLevel } = require('kafkajs');

function out(...fields) {
  process.stdout.write(fields.join('\t') + '\n');
}

async function main() {
  const [bootstrap, topic, group, maxArg, ...opts] = process.argv.slice(2);
  const max = parseInt(maxArg, 10);
  const auto = opts.includes('--auto');
  const kafka = new Kafka({ clientId: 'ringtail-interop', brokers: [bootstrap], logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let count = 0;
  let last = Date.now();
  let finish;
  const finished = new Promise((resolve) => (finish = resolve));
  await consumer.run({
    autoCommit: auto,
    autoCommitInterval: 200,
    eachMessage: async ({ partition, message }) => {
      if (count >= max) return;
      count += 1;
      last = Date.now();
      const key = message.key === null ? '\\N' : message.key.toString();
      out('rec', partition, message.offset, key, message.value.toString());
      if (!auto) {
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
      }
      if (count >= max) finish();
    },
  });
  const start = Date.now();
  const timer = setInterval(() => {
    if ((count > 0 && Date.now() - last > 6000) || Date.now() - start > 40000) finish();
  }, 200);
  await finished;
  clearInterval(timer);
  await consumer.disconnect();
  out('done', count);
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
