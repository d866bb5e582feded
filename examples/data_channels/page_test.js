#!/usr/bin/env node
// Drives the page that //examples/data_channels serves, in headless Debian
// Chromium through playwright-core, the way a person would: open it, wait
// for the channel to open, type messages into the box and press Send, and
// wait until the page shows a message from the server.
//
//   NODE_PATH=<dir with playwright-core> node page_test.js --url=http://127.0.0.1:PORT/
//       [--messages=3] [--timeout=60] [--chromium=/usr/bin/chromium]
//
// The page's messages are "page message <i>" (i = 1..--messages). Prints
// the page's log lines on stdout prefixed "page: ", then "PAGE OK
// received=<n>" once every message was sent and the page showed as many
// "Message from DataChannel" lines (run the server with --count=N). Exit 0 on success, 1 on
// failure (the reason on stderr), 2 for bad usage.
//
// ICE: the server uses 127.0.0.1 only, so Chromium must offer loopback
// candidates, which takes three things: --allow-loopback-in-peer-connection,
// --disable-features=WebRtcHideLocalIpsWithMdns (raw IPs instead of mDNS
// names) and camera/microphone permission for the page's origin (granted
// here, plus --use-fake-ui-for-media-stream; without it Chromium gathers on
// the default-route interface only).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

function usage(msg) {
  process.stderr.write(`page_test: ${msg}\nusage: page_test.js --url=URL [--messages=N] ` +
                       '[--timeout=S] [--chromium=PATH]\n');
  process.exit(2);
}

const opts = { url: null, messages: 3, timeout: 60, chromium: '/usr/bin/chromium' };
for (const arg of process.argv.slice(2)) {
  const m = /^--([a-z]+)=(.*)$/.exec(arg);
  if (!m || !(m[1] in opts)) usage(`unexpected argument ${JSON.stringify(arg)}`);
  if (m[1] === 'messages' || m[1] === 'timeout') {
    if (!/^\d+$/.test(m[2]) || Number(m[2]) < 1) usage(`--${m[1]} must be a positive integer`);
    opts[m[1]] = Number(m[2]);
  } else {
    opts[m[1]] = m[2];
  }
}
if (!opts.url) usage('--url is required');

let context = null;
let userDataDir = null;
let done = false;

let page = null;

// What the page knows, for a failure report.
async function describePage() {
  if (!page) return 'no page';
  try {
    return await page.evaluate(async () => {
      const { pc, dc } = window.simrtc || {};
      if (!pc) return 'the page has no peer connection';
      let pair = 'none';
      const stats = await pc.getStats();
      stats.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) {
          const p = stats.get(s.selectedCandidatePairId);
          const l = p && stats.get(p.localCandidateId);
          const r = p && stats.get(p.remoteCandidateId);
          if (l && r) pair = `${l.address}:${l.port} -> ${r.address}:${r.port} (${p.state})`;
          pair += `, dtls ${s.dtlsState}`;
        }
      });
      return `connection ${pc.connectionState}, ice ${pc.iceConnectionState}, ` +
             `sctp ${pc.sctp ? pc.sctp.state : 'none'}, channel ${dc.readyState}, ` +
             `selected pair ${pair}; log: ${document.getElementById('log').textContent.trim()}`;
    });
  } catch (e) {
    return `page not readable: ${e.message}`;
  }
}

async function finish(code, msg) {
  if (done) return;
  done = true;
  if (msg) process.stderr.write(`page_test: ${msg}\n`);
  if (code !== 0) process.stderr.write(`page_test: page state: ${await describePage()}\n`);
  if (context) {
    await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  }
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(code);
}

async function main() {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    throw new Error('playwright-core not found (NODE_PATH); run interop/chromium/setup.sh');
  }
  if (!fs.existsSync(opts.chromium)) throw new Error(`${opts.chromium} missing (Debian package chromium)`);
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simrtc-page-'));
  // Chromium's singleton socket path must stay under 108 bytes; a Bazel
  // TEST_TMPDIR is longer.
  const env = Object.assign({}, process.env);
  if (os.tmpdir().length > 60) env.TMPDIR = '/tmp';
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.chromium,
    headless: true,
    env,
    timeout: 30000,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
    ],
  });
  await context.grantPermissions(['camera', 'microphone'], { origin: new URL(opts.url).origin });
  page = context.pages()[0] || await context.newPage();
  if (process.env.PAGE_TEST_VERBOSE) {
    page.on('console', (m) => process.stderr.write(`console.${m.type()}: ${m.text()}\n`));
  }
  page.on('pageerror', (err) => finish(1, `page error: ${err.message}`));
  page.on('crash', () => finish(1, 'the page crashed'));

  const response = await page.goto(opts.url);
  if (!response || response.status() !== 200) {
    throw new Error(`GET ${opts.url}: HTTP ${response ? response.status() : 'no response'}`);
  }
  const deadline = Date.now() + opts.timeout * 1000;
  const left = () => Math.max(1000, deadline - Date.now());

  // Open, or a failure the page reports.
  await page.waitForFunction(() => ['open', 'failed', 'closed'].includes(
    document.getElementById('state').textContent), null, { timeout: left() });
  const state = await page.textContent('#state');
  if (state !== 'open') {
    throw new Error(`the page's connection ended "${state}": ${await page.textContent('#log')}`);
  }
  for (let i = 1; i <= opts.messages; i++) {
    await page.fill('#message', `page message ${i}`);
    await page.click('#send');
    await page.waitForTimeout(200);
  }
  // As many messages from the server (run with --count=N) as we sent.
  await page.waitForFunction(
    (n) => document.getElementById('log').textContent.split('\n')
      .filter((l) => l.startsWith("Message from DataChannel 'data': '")).length >= n,
    opts.messages, { timeout: left() });
  const log = await page.textContent('#log');
  for (const line of log.split('\n')) if (line) process.stdout.write(`page: ${line}\n`);
  const received = log.split('\n').filter((l) => l.startsWith('Message from DataChannel')).length;
  process.stdout.write(`PAGE OK received=${received}\n`);
}

const timer = setTimeout(() => finish(1, `timeout after ${opts.timeout} s`), opts.timeout * 1000 + 10000);
main().then(() => { clearTimeout(timer); return finish(0); },
            (err) => { clearTimeout(timer); return finish(1, String(err && err.message ? err.message : err).split('\n')[0]); });
