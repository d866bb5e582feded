#!/usr/bin/env node
// Drives the ice_restart page in headless Chromium for the smoke test:
//
//   node chromium_driver.js --url http://127.0.0.1:PORT/ [--timeout S]
//                           [--chromium /usr/bin/chromium]
//
// Opens the page, waits for a message on the data channel, clicks "ICE
// restart", waits until the page has applied the restart answer, ICE is
// connected again and two more messages arrived, then prints one line
//   PAGE OK messages=<n> restarts=1 ice=<state,state,...>
// and exits 0. On failure it prints "PAGE FAIL <reason>" (with the page's
// state) and exits 1.
//
// Chromium (Debian /usr/bin/chromium through playwright-core, which the
// caller puts on NODE_PATH) runs with the loopback ICE setup of
// interop/chromium/cli.js: --allow-loopback-in-peer-connection, no mDNS
// host names, and camera/microphone permission for the page's origin so
// that every interface, loopback included, is gathered.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const opts = { url: null, timeout: 60, chromium: '/usr/bin/chromium' };
for (let i = 2; i < process.argv.length; i++) {
  const m = /^--(url|timeout|chromium)(?:=(.*))?$/.exec(process.argv[i]);
  if (!m) { console.error(`chromium_driver: unexpected argument ${process.argv[i]}`); process.exit(2); }
  opts[m[1]] = m[2] !== undefined ? m[2] : process.argv[++i];
}
if (!opts.url) { console.error('chromium_driver: --url is required'); process.exit(2); }
const timeoutMs = Number(opts.timeout) * 1000;

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
];

let context = null;
let userDataDir = null;

async function finish(code, line) {
  console.log(line);
  if (context) await Promise.race([context.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(code);
}

async function main() {
  let chromium;
  try {
    ({ chromium } = require('playwright-core'));
  } catch (e) {
    return finish(1, 'PAGE FAIL playwright-core not found on NODE_PATH (run interop/chromium/setup.sh)');
  }
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'simrtc-ice-restart-'));
  // Chromium's singleton socket path must fit in 108 bytes.
  const env = Object.assign({}, process.env);
  if (path.join(os.tmpdir(), 'org.chromium.Chromium.XXXXXX', 'SingletonSocket').length > 100) {
    env.TMPDIR = '/tmp';
  }
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: opts.chromium, headless: true, args: FLAGS, env, timeout: 30000,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  });
  const origin = new URL(opts.url).origin;
  await context.grantPermissions(['camera', 'microphone'], { origin });
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (err) => console.error(`chromium_driver: page error: ${err.message}`));
  page.on('console', (m) => console.error(`chromium_driver: console.${m.type()}: ${m.text()}`));
  await page.goto(opts.url);

  const state = () => page.evaluate(() => JSON.stringify(window.simrtc));
  const waitFor = async (what, fn, arg) => {
    try {
      await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 100 });
    } catch (e) {
      throw new Error(`timeout waiting for ${what}; page state ${await state()}`);
    }
  };
  await waitFor('the first message', () => window.simrtc.error || window.simrtc.messages.length >= 1);
  const before = await page.evaluate(() => window.simrtc.messages.length);
  console.error(`chromium_driver: ${before} message(s) before the restart; clicking "ICE restart"`);
  await page.click('#restart');
  await waitFor('the restart answer', () => window.simrtc.error || window.simrtc.restarts >= 1);
  await waitFor('two more messages with ICE connected',
                (n) => window.simrtc.error ||
                  (window.simrtc.messages.length >= n + 2 &&
                   ['connected', 'completed'].includes(window.simrtc.iceStates[window.simrtc.iceStates.length - 1])),
                before);
  const s = await page.evaluate(() => window.simrtc);
  if (s.error) throw new Error(`the page reported: ${s.error}`);
  return finish(0, `PAGE OK messages=${s.messages.length} restarts=${s.restarts} ice=${s.iceStates.join(',')}`);
}

const timer = setTimeout(() => finish(1, `PAGE FAIL overall timeout after ${opts.timeout * 2} s`), timeoutMs * 2);
main().catch((err) => {
  clearTimeout(timer);
  finish(1, `PAGE FAIL ${String(err && err.message ? err.message : err).split('\n')[0]}`);
});
