#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --json]`: speed and memory of the hot paths on this machine, each
// figure beside a baseline measured in the same run (the bare library, or the small queue). A
// benchmark, not a test: it prints figures and exits 0. Run after `npm run build`.
//   --quick   a small poll (200 mails) and 1k / 10k requests instead of 5,000 mails and 1k / 100k
//   --json    one JSON object on stdout instead of the table
//   --mails N the poll's size
// Without --quick it also parses a 40 MB mail and a 1000-level nested one (time and peak memory).
const { closeSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { seedRequests } = require('./seed-requests');

const root = join(__dirname, '..');
const dist = (module) => require(join(root, 'dist', module));
// Bare pdf-lib compresses with its own pako. Ours puts Node's zlib in pako's place for the whole
// process (dist/documents/native-deflate), so pako's own deflate is kept here, before that, for the baseline.
const pako = dist('documents/native-deflate').pdfLibPako();
const pakoDeflate = pako.deflate;
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asJson = args.includes('--json');
const mailCount = Number(args[args.indexOf('--mails') + 1]) || (quick ? 200 : 5000);
const SIZES = quick ? [1000, 10_000] : [1000, 100_000];
const ROUNDS = quick ? 10 : 30;

const fixtures = join(root, 'test/fixtures/intake');
const fixtureNames = readdirSync(fixtures).filter((name) => name.endsWith('.eml'));
const mails = fixtureNames.map((name) => readFileSync(join(fixtures, name)));
const policy = { limits: dist('intake/intake-policy').defaultLimits, trustedAuthservId: 'mx.example.test', ownAddresses: ['support@example.test'], messageIdDomain: 'example.test' };
const scratch = mkdtempSync(join(tmpdir(), 'cancel-desk-bench-'));
const figures = {};

/** A figure, its baseline from this run, and their ratio (figure / baseline: above 1 is slower or bigger). */
function report(name, value, unit, baseline, baselineName) {
  const ratio = baseline ? Math.round((value / baseline) * 100) / 100 : null;
  figures[name] = { value: round(value), unit, baseline: baseline === undefined ? null : round(baseline), baselineName: baselineName ?? null, ratio };
  if (asJson) return;
  const against = baseline === undefined ? '' : `   vs ${String(round(baseline)).padStart(8)} ${baselineName}  (${ratio}×)`;
  console.log(`${name.padEnd(46)} ${String(round(value)).padStart(9)} ${unit.padEnd(8)}${against}`);
}

function round(value) {
  return value >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
}

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(work) {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function samples(count, work) {
  const result = [];
  for (let index = 0; index < count; index++) result.push(await timed(work));
  return result;
}

// ---- parse: intake analysis vs bare simpleParser, per mail ----
async function parseFigures() {
  const { analyseMessage } = dist('intake/analyse-message');
  const { simpleParser } = require('mailparser');
  const rounds = quick ? 2 : 5;
  const analyse = async () => {
    for (const raw of mails) await analyseMessage(raw, policy, '2026-11-27');
  };
  const bare = async () => {
    for (const raw of mails) await simpleParser(raw, { skipHtmlToText: true });
  };
  await analyse();
  await bare();
  const ours = Math.min(...(await samples(rounds, analyse))) / mails.length;
  const theirs = Math.min(...(await samples(rounds, bare))) / mails.length;
  report(`parse one mail (${mails.length} fixtures)`, ours, 'ms', theirs, 'ms bare simpleParser');
  return theirs;
}

// ---- PDF: our receipt vs bare pdf-lib with the same fonts embedded and subset ----
// Each receipt another customer's, as in a real run: what a renderer keeps from one receipt to the next is only what truly repeats (the wording).
const REASONS = {
  zh: ['我已经移民海外，不再需要这个号码了。另外，“资费”太贵（每月 98 元）！', '换了工作，公司给配了新手机号，这个号码用不上了。', '信号太差，在家里经常打不通电话，决定换运营商。', '孩子出国读书，之前给他办的副卡不再需要。'],
  en: ['I moved abroad and no longer need this number; the tariff is too high as well.', 'My employer gave me a new phone and number, so this one is not used any more.', 'Coverage at my home is poor and calls drop all the time; I am switching providers.', 'The eSIM was for a trip to Japan last spring, which is long over.'],
};
function receiptFacts(language, index) {
  return {
    kind: 'acknowledgement', reference: `CR-BENCH${String(index).padStart(4, '0')}`, language, receivedAt: '2026-11-27T17:03:00+08:00', timeZone: 'Asia/Shanghai',
    status: 'pending_review', sender: `customer${index}@example.cn`, username: `user${index * 7919 % 100000}`, registrationDate: '2023-05', dueDate: '2026-12-02',
    reason: REASONS[language][index % REASONS[language].length],
    idDocuments: [{ filename: language === 'zh' ? `身份证正面-${index}.jpg` : `passport-scan-${index}.jpg`, sha256: createHash('sha256').update(String(index)).digest('hex') }],
    missing: [], issuedAt: '2026-11-27T09:05:00Z',
  };
}

/** The same text as our receipt, drawn by pdf-lib alone: cut at a fixed length, no measuring. */
async function barePdf(wording, facts, fontBytes) {
  const ours = pako.deflate;
  pako.deflate = pakoDeflate;
  try {
    return await barePdfDocument(wording, facts, fontBytes);
  } finally {
    pako.deflate = ours;
  }
}

async function barePdfDocument(wording, facts, fontBytes) {
  const { PDFDocument, PageSizes } = require('pdf-lib');
  const doc = await PDFDocument.create();
  // Each font file parsed once per process, as ours: pdf-lib at its best, not re-parsing 10 MB a document.
  doc.registerFontkit(dist('documents/receipt-fonts').sharedFontkit);
  const regular = await doc.embedFont(fontBytes.regular, { subset: true });
  const bold = await doc.embedFont(fontBytes.bold, { subset: true });
  await doc.attach(Buffer.from(JSON.stringify({ facts }, null, 2)), 'receipt-facts.json', { mimeType: 'application/json' });
  const texts = [wording.documentTitle.acknowledgement, wording.intro.acknowledgement, facts.reference, ...Object.values(wording.labels), facts.sender, facts.reason,
    wording.sections.nextSteps, wording.nextSteps.pending_review, wording.sections.checklist, ...wording.checklist.acknowledgement, wording.sections.verification, wording.verificationExplanation];
  const width = facts.language === 'zh' ? 38 : 85;
  let page = doc.addPage(PageSizes.A4);
  let y = 780;
  texts.forEach((text, index) => {
    for (let start = 0; start < text.length; start += width) {
      if (y < 64) {
        page = doc.addPage(PageSizes.A4);
        y = 780;
      }
      page.drawText(text.slice(start, start + width), { x: 56, y, size: 10.5, font: index === 0 ? bold : regular });
      y -= 16;
    }
  });
  return doc.save();
}

async function pdfFigures() {
  const { renderReceiptPdf } = dist('documents/receipt-pdf');
  const { loadReceiptWording } = dist('documents/receipt-wording');
  const { loadReceiptFonts } = dist('documents/receipt-fonts');
  const key = Buffer.alloc(32, 7);
  const fontBytes = await loadReceiptFonts();
  const perLanguage = {};
  for (const language of ['zh', 'en']) {
    const wording = loadReceiptWording(join(root, 'templates'), language);
    let index = 0;
    const ours = () => renderReceiptPdf(receiptFacts(language, (index += 1)), key, wording);
    const bare = () => barePdf(wording, receiptFacts(language, (index += 1)), fontBytes);
    for (let warm = 0; warm < 3; warm++) {
      await ours();
      await bare();
    }
    // Taken in turns, so that a busy neighbour on the machine slows both alike.
    const oursTimes = [];
    const bareTimes = [];
    for (let round = 0; round < (quick ? 15 : 60); round++) {
      oursTimes.push(await timed(ours));
      bareTimes.push(await timed(bare));
    }
    const oursMs = percentile(oursTimes, 50);
    const bareMs = percentile(bareTimes, 50);
    report(`receipt PDF, ${language}, p50`, oursMs, 'ms', bareMs, 'ms bare pdf-lib, same fonts');
    perLanguage[language] = bareMs;
  }
  return perLanguage;
}

function fsyncedWrite() {
  const body = mails[0];
  const file = join(scratch, 'fsync-probe');
  const started = process.hrtime.bigint();
  const count = 50;
  for (let index = 0; index < count; index++) {
    const fd = openSync(file, 'w');
    writeSync(fd, body);
    fsyncSync(fd);
    closeSync(fd);
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

// ---- end-to-end: the embedded poll, and the daemon's memory over the same mails ----
function fillInbox(dataDir, count) {
  const inbox = join(dataDir, 'inbox');
  mkdirSync(inbox, { recursive: true });
  for (let index = 0; index < count; index++) {
    const name = fixtureNames[index % fixtureNames.length];
    const raw = mails[index % mails.length].toString('latin1').replace(/^Message-ID:[^\n]*\n/im, '');
    writeFileSync(join(inbox, `${index}-${name}`), `Message-ID: <bench-${index}@bench.example>\r\n${raw}`, 'latin1');
  }
}

// Every acknowledgement is measured: the hourly breaker (ACK_LIMIT_PER_HOUR) would hold most of them back.
const benchEnv = (dataDir) => ({
  PATH: process.env.PATH,
  ENV_FILE: '/dev/null',
  DATA_DIR: dataDir,
  TIME_ZONE: 'Asia/Shanghai',
  MAIL_FROM: 'support@example.test',
  TRUSTED_AUTHSERV_ID: 'mx.example.test',
  WEB_PORT: '0',
  ACK_LIMIT_PER_HOUR: '1000000',
  ACK_LIMIT_PER_SENDER: '1000000',
});

function cli(cliArgs, env) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', join(root, 'test/support/report-max-rss.js'), join(root, 'dist/cli.js'), ...cliArgs], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { milliseconds: Number(process.hrtime.bigint() - started) / 1e6, rssMb: Number(/max-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? 0) / 1024, status: result.status, stdout: result.stdout };
}

const files = (dir) => {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.eml')).length;
  } catch {
    return 0;
  }
};

async function pollFigures(bare) {
  const dataDir = join(scratch, 'poll');
  fillInbox(dataDir, mailCount);
  const run = cli(['poll'], benchEnv(dataDir));
  const acknowledged = files(join(dataDir, 'outgoing'));
  const ackShare = acknowledged / mailCount;
  const bareMsPerMail = bare.parse + ackShare * (bare.pdf.zh + bare.pdf.en) / 2 + bare.fsync;
  report(`embedded poll, ${mailCount} mails (${acknowledged} acks)`, (mailCount / run.milliseconds) * 1000, 'mails/s', 1000 / bareMsPerMail, 'mails/s sum of bare stages');
  // The kernel's high-water mark of the poll process: its receipt renderer, another process, is not in it.
  report(`  poll peak RSS (its renderer apart)`, run.rssMb, 'MB');
  await daemonMemory(acknowledged);
}

/** The resident memory of `pid` and every process under it (the daemon and its receipt renderer), in MB. */
function treeRssMb(pid) {
  const pids = [pid];
  for (const parent of pids) {
    try {
      for (const thread of readdirSync(`/proc/${parent}/task`)) pids.push(...readFileSync(`/proc/${parent}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
    } catch {
      // Gone between two reads: it holds nothing any more.
    }
  }
  const rssKb = (one) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${one}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  return pids.reduce((sum, one) => sum + rssKb(one), 0) / 1024;
}

/** `run` over the same mails: its peak while working, and its resident memory once idle again, renderer included. */
async function daemonMemory(acknowledged) {
  const dataDir = join(scratch, 'daemon');
  fillInbox(dataDir, mailCount);
  const daemon = spawn(process.execPath, [join(root, 'dist/cli.js'), 'run'], { env: benchEnv(dataDir), stdio: 'ignore' });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // Sampled, not the kernel's high-water mark: that one is per process, and the renderer is another.
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, treeRssMb(daemon.pid))), 250);
  const deadline = Date.now() + 15 * 60_000;
  while ((files(join(dataDir, 'inbox')) > 0 || files(join(dataDir, 'outgoing')) < acknowledged) && Date.now() < deadline && daemon.exitCode === null) await sleep(250);
  clearInterval(sampler);
  // Well past the receipt renderer's idle timeout (5 s): what an idle daemon holds.
  await sleep(35_000);
  const idle = treeRssMb(daemon.pid);
  daemon.kill('SIGTERM');
  await new Promise((resolve) => daemon.once('exit', resolve));
  report(`run: peak RSS over ${mailCount} mails (daemon + renderer)`, peak, 'MB');
  report(`run: RSS idle 35 s afterwards (daemon + renderer)`, idle, 'MB');
}

// ---- history: console pages, queue list, recordRequest and the idle poll at two queue sizes ----
async function historyFigures() {
  const { createApp } = dist('app');
  const { loadConfig } = dist('config');
  const { createLogger } = dist('log');
  const { buildConsole } = dist('console/build-console');
  const { inThreadRenderer } = dist('documents/receipt-renderer');
  const { systemClock } = dist('clock');
  const bySize = {};
  for (const size of SIZES) {
    const dataDir = join(scratch, `history-${size}`);
    const env = benchEnv(dataDir);
    const config = loadConfig(env);
    const log = createLogger(() => {}, systemClock);
    // Templates for the copies: every fixture through the real intake once.
    fillInbox(dataDir, Math.min(fixtureNames.length, size));
    let app = await createApp(config, systemClock, log, { receipts: inThreadRenderer(), passwordCost: { N: 1024, r: 8, p: 1 } });
    await app.drainInbox();
    app.close();
    const { db, searchTerm, reference } = seedRequests(join(dataDir, 'cancel-desk.db'), size);
    db.close();
    app = await createApp(config, systemClock, log, { receipts: inThreadRenderer(), passwordCost: { N: 1024, r: 8, p: 1 } });
    await app.staff.add('bench', 'bench-password-long');
    const web = buildConsole({
      review: app.review, triage: app.triage, staff: app.staff, sessions: app.sessions, signInAttempts: app.signInAttempts, clock: systemClock, log,
      templatesDir: join(root, 'templates', 'web'), timeZone: config.timeZone, secureCookie: false, sessionMs: config.web.sessionMs, trustedProxies: config.web.trustedProxies, publicOrigin: config.web.publicOrigin,
    });
    await web.ready();
    const cookie = `cd_session=${app.sessions.open('bench', 3_600_000).token}`;
    const page = async (url) => {
      const response = await web.inject({ method: 'GET', url, headers: { cookie, host: 'localhost' } });
      if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
      return response.body;
    };
    const figure = {};
    for (const [name, url] of [['/requests', '/requests'], ['/requests/<ref>', `/requests/${reference}`], ['search', `/requests?status=all&q=${encodeURIComponent(searchTerm)}`]]) {
      // The request's page and the search must show the request: a search that found nothing would be cheap.
      const body = await page(url);
      if (name !== '/requests' && !body.includes(reference)) throw new Error(`${url} does not show ${reference}`);
      const times = await samples(ROUNDS, () => page(url));
      figure[name] = { p50: percentile(times, 50), p95: percentile(times, 95) };
    }
    await web.close();
    figure.idlePoll = percentile(await samples(ROUNDS, () => app.drainInbox()), 50);
    let opened = 0;
    figure.recordRequest = percentile(await samples(ROUNDS * 3, () => app.queue.recordIncoming(craftedMail((opened += 1), size))), 50);
    app.close();
    // The default listing (the first 100), and every request streamed: its cost per row past the
    // first page, start-up and that page taken off, is what a longer history adds.
    const list = cli(['queue', 'list', '--json'], env);
    const all = cli(['queue', 'list', '--all', '--json'], env);
    if (list.status !== 0 || all.status !== 0) throw new Error(`queue list exited ${list.status}, --all ${all.status}`);
    figure.queueList = { ms: list.milliseconds, rssMb: list.rssMb };
    figure.queueListAll = { ms: all.milliseconds, rssMb: all.rssMb, usPerRow: ((all.milliseconds - list.milliseconds) * 1000) / (size - 100) };
    bySize[size] = figure;
    rmSync(join(dataDir, 'vault'), { recursive: true, force: true });
  }
  const [small, large] = SIZES.map((size) => bySize[size]);
  const k = (size) => `${size / 1000}k`;
  const [smallName, largeName] = SIZES.map(k);
  for (const name of ['/requests', '/requests/<ref>', 'search']) {
    report(`console ${name} p50, ${largeName} requests`, large[name].p50, 'ms', small[name].p50, `ms at ${smallName}`);
    report(`console ${name} p95, ${largeName} requests`, large[name].p95, 'ms', small[name].p95, `ms at ${smallName}`);
  }
  report(`queue list --json (first 100), ${largeName} requests`, large.queueList.ms, 'ms', small.queueList.ms, `ms at ${smallName}`);
  report(`  its peak RSS, ${largeName} requests`, large.queueList.rssMb, 'MB', small.queueList.rssMb, `MB at ${smallName}`);
  report(`queue list --all --json, ${largeName} requests`, large.queueListAll.ms, 'ms', small.queueListAll.ms, `ms at ${smallName}`);
  report(`  per row past the first 100, ${largeName}`, large.queueListAll.usPerRow, 'µs', small.queueListAll.usPerRow, `µs at ${smallName}`);
  report(`  its peak RSS, ${largeName} requests`, large.queueListAll.rssMb, 'MB', small.queueListAll.rssMb, `MB at ${smallName}`);
  report(`recordRequest p50, ${largeName} requests`, large.recordRequest, 'ms', small.recordRequest, `ms at ${smallName}`);
  report(`idle poll p50, ${largeName} requests`, large.idlePoll, 'ms', small.idlePoll, `ms at ${smallName}`);
}

/** A new request as intake would record it, from a new sender each time. */
function craftedMail(index, size) {
  return {
    messageKey: `bench:${size}:${index}`,
    result: {
      messageId: `<bench-open-${index}@example.org>`, from: `opener-${index}@example.org`, subject: 'Please close my account', language: 'en', kind: 'cancellation_request', reference: null,
      senderAuthentication: 'pass', fields: { username: `opener${index}`, registrationDate: '2021-03-04', reason: 'moving abroad' }, idDocuments: [], problems: ['missing_id_document'],
      disposition: 'queue', acknowledge: true, evidence: [{ signal: 'cancel_phrase', detail: 'close my account' }], fieldDoubts: [],
    },
    bodyText: 'Please close my account.', ownText: 'Please close my account.', senderName: '', repliesTo: [], registrationDateAmbiguous: false, standsAlone: true, answerable: true, documents: [],
  };
}

// ---- hostile mail: a 40 MB mail and a 1000-level nesting, time and peak memory of `parse` ----
function hostileFigures() {
  const header = 'From: a@example.net\r\nSubject: close my account\r\nMessage-ID: <h@example.net>\r\nMIME-Version: 1.0\r\n';
  const big = join(scratch, 'forty.eml');
  const body = Buffer.alloc(30 * 1024 * 1024, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(big, `${header}Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: text/plain\r\n\r\nclose my account\r\n--o\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}\r\n--o--\r\n`);
  let open = '';
  let close = '';
  for (let level = 0; level < 1000; level++) {
    open += `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n--b${level}\r\n`;
    close = `\r\n--b${level}--\r\n${close}`;
  }
  const nested = join(scratch, 'nested.eml');
  writeFileSync(nested, `${header}${open}Content-Type: text/plain\r\n\r\nhi${close}`);
  const env = { PATH: process.env.PATH, ENV_FILE: '/dev/null' };
  for (const [name, file, extra] of [['parse 40 MB mail (refused by size limit)', big, {}], ['parse 40 MB mail (fully parsed)', big, { MAX_MESSAGE_BYTES: String(50 << 20), MAX_ATTACHMENT_BYTES: String(50 << 20) }], ['parse 1000-level nested multipart', nested, {}]]) {
    const run = cli(['parse', file], { ...env, ...extra });
    report(name, run.milliseconds, 'ms');
    report(`${name}: peak RSS`, run.rssMb, 'MB');
  }
}

// ---- start-up: `parse` of one mail vs a bare mailparser script ----
function startFigures() {
  const file = join(fixtures, fixtureNames[0]);
  const bareScript = `require('mailparser').simpleParser(require('fs').readFileSync(process.argv[1])).then((m) => process.stdout.write(JSON.stringify({ subject: m.subject }) + '\\n'))`;
  const wall = (argv) => {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, argv, { cwd: root, env: { PATH: process.env.PATH, ENV_FILE: '/dev/null', TIME_ZONE: 'UTC' } });
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const count = quick ? 5 : 11;
  const ours = [];
  const bare = [];
  for (let index = 0; index < count; index++) {
    ours.push(wall([join(root, 'dist/cli.js'), 'parse', file]));
    bare.push(wall(['-e', bareScript, file]));
  }
  report('cancel-desk parse, one mail, wall p50', percentile(ours, 50), 'ms', percentile(bare, 50), 'ms bare mailparser script');
}

async function main() {
  const parse = await parseFigures();
  const pdf = await pdfFigures();
  const fsync = fsyncedWrite();
  report('one fsynced write of a mail', fsync, 'ms');
  startFigures();
  if (!quick) hostileFigures();
  await historyFigures();
  await pollFigures({ parse, pdf, fsync });
  if (asJson) process.stdout.write(`${JSON.stringify({ quick, mails: mailCount, sizes: SIZES, figures })}\n`);
  rmSync(scratch, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
