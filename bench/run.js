#!/usr/bin/env node
// `npm run bench`: speed and memory of the hot paths, on this machine. A benchmark, not a test:
// it prints figures and exits 0. Run after `npm run build`.
const { readdirSync, readFileSync, mkdtempSync, writeFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
const { analyseMessage } = require(join(root, 'dist/intake/analyse-message'));
const { defaultLimits } = require(join(root, 'dist/intake/intake-policy'));
const policy = { limits: defaultLimits, trustedAuthservId: 'mx.example.test', ownAddresses: ['support@example.test'] };
const fixtures = join(root, 'test/fixtures/intake');
const mails = readdirSync(fixtures).filter((name) => name.endsWith('.eml')).map((name) => readFileSync(join(fixtures, name)));

function report(name, value, unit) {
  console.log(`${name.padEnd(52)} ${String(value).padStart(10)} ${unit}`);
}

async function parseThroughput() {
  for (const raw of mails) await analyseMessage(raw, policy, '2026-11-27');
  const rounds = 20;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) for (const raw of mails) await analyseMessage(raw, policy, '2026-11-27');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  report(`intake analysis (${mails.length} fixtures x ${rounds})`, Math.round((mails.length * rounds) / seconds), 'mails/s');
}


function hostile(dir) {
  const header = 'From: a@example.net\r\nSubject: close my account\r\nMessage-ID: <h@example.net>\r\nMIME-Version: 1.0\r\n';
  const big = join(dir, 'forty.eml');
  const body = Buffer.alloc(30 * 1024 * 1024, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(big, `${header}Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nclose my account\r\n--o\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--o--\r\n`);
  let open = '';
  let close = '';
  for (let level = 0; level < 1000; level++) {
    open += `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n`;
    close = `\r\n--b${level}--\r\n${close}`;
  }
  const nested = join(dir, 'nested.eml');
  writeFileSync(nested, `${header}${open}Content-Type: text/plain\r\n\r\nhi${close}`);
  return { big, nested };
}

function peakRss(run) {
  return Math.round(Number(/max-rss-kb (\d+)/.exec(run)?.[1] ?? 0) / 1024);
}

function runWithRss(args, env) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--require', join(root, 'test/support/report-max-rss.js'), join(root, 'dist/cli.js'), ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return { milliseconds: Date.now() - started, rssMb: peakRss(result.stderr) };
}

async function main() {
  await parseThroughput();
  const dir = mkdtempSync(join(tmpdir(), 'cancel-desk-bench-'));
  const { big, nested } = hostile(dir);
  let run = runWithRss(['parse', big]);
  report('parse 40 MB mail (refused by size limit)', run.milliseconds, `ms, ${run.rssMb} MB peak`);
  run = runWithRss(['parse', big], { MAX_MESSAGE_BYTES: String(50 << 20), MAX_ATTACHMENT_BYTES: String(50 << 20) });
  report('parse 40 MB mail (fully parsed)', run.milliseconds, `ms, ${run.rssMb} MB peak`);
  run = runWithRss(['parse', nested]);
  report('parse 1000-level nested multipart', run.milliseconds, `ms, ${run.rssMb} MB peak`);

  const dataDir = join(dir, 'data');
  mkdirSync(join(dataDir, 'inbox'), { recursive: true });
  const copies = 4;
  readdirSync(fixtures)
    .filter((name) => name.endsWith('.eml'))
    .forEach((name) => {
      for (let copy = 0; copy < copies; copy++) {
        const raw = readFileSync(join(fixtures, name), 'latin1').replace(/^Message-ID:[^\n]*\n/im, '');
        writeFileSync(join(dataDir, 'inbox', `${copy}-${name}`), `Message-ID: <bench-${copy}-${name}@bench>\r\n${raw}`, 'latin1');
      }
    });
  const count = readdirSync(join(dataDir, 'inbox')).length;
  // Every acknowledgement is measured: the hourly breaker (ACK_LIMIT_PER_HOUR) would hold most of them back.
  run = runWithRss(['poll'], { DATA_DIR: dataDir, TIME_ZONE: 'UTC', MAIL_FROM: 'support@example.test', ACK_LIMIT_PER_HOUR: '100000' });
  const acknowledged = readdirSync(join(dataDir, 'outgoing')).length;
  report(`poll: ${count} mails, ${acknowledged} acknowledgements (embedded)`, Math.round((count / run.milliseconds) * 1000), `mails/s, ${run.milliseconds} ms, ${run.rssMb} MB peak`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
