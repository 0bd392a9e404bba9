// kafkajs 2.2.4 driver for tests/interop/kafkajs_test.cc (kafkajs consumers need consumer
// groups, which the broker does not have yet; the test reads the data back with kcat and
// kafka-python instead).
//
//   node produce.js BOOTSTRAP TOPIC PARTITIONS [--gzip]
//     stdin: KEY VALUE per line (tab-separated)
//   1. admin.createTopics (PARTITIONS partitions) -> "created TOPIC true|false"
//   2. producer with its defaults (acks=-1, DefaultPartitioner = Java murmur2), one send()
//      per message so each acknowledgement names its partition and offset
//      -> "ack P OFFSET KEY VALUE"
//   3. one more send() with all messages again as a single call (batched per partition)
//      -> "batch P BASE_OFFSET"
//   4. admin.fetchTopicOffsets -> "offsets P HIGH LOW"
// Lines are tab-separated. Any failure: message on stderr, exit code 1.
'use strict';

const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

function out(...fields) {
  process.stdout.write(fields.join('\t') + '\n');
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  const [bootstrap, topic, partitionsArg, ...opts] = process.argv.slice(2);
  const gzip = opts.includes('--gzip');
  const messages = (await readStdin())
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [key, value] = l.split('\t');
      return { key, value };
    });

  const kafka = new Kafka({
    clientId: 'ringtail-interop-kafkajs',
    brokers: [bootstrap],
    logLevel: logLevel.WARN,
    connectionTimeout: 10000,
    requestTimeout: 15000,
    retry: { retries: 3 },
  });

  const admin = kafka.admin();
  await admin.connect();
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: Number(partitionsArg), replicationFactor: 1 }],
    waitForLeaders: true,
    timeout: 15000,
  });
  out('created', topic, created);

  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const compression = gzip ? CompressionTypes.GZIP : CompressionTypes.None;
  for (const m of messages) {
    const res = await producer.send({ topic, compression, messages: [{ key: m.key, value: m.value }] });
    if (res.length !== 1 || res[0].errorCode !== 0) throw new Error('unexpected send result ' + JSON.stringify(res));
    out('ack', res[0].partition, res[0].baseOffset, m.key, m.value);
  }
  const batch = await producer.send({ topic, compression, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  for (const r of batch.sort((a, b) => a.partition - b.partition)) {
    if (r.errorCode !== 0) throw new Error('unexpected batch result ' + JSON.stringify(r));
    out('batch', r.partition, r.baseOffset);
  }
  await producer.disconnect();

  const offsets = await admin.fetchTopicOffsets(topic);
  for (const o of offsets.sort((a, b) => a.partition - b.partition)) out('offsets', o.partition, o.high, o.low);
  await admin.disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write('kafkajs driver failed: ' + (e && e.stack ? e.stack : String(e)) + '\n');
    process.exit(1);
  },
);
