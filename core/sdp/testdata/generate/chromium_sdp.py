#!/usr/bin/env python3
"""Runs chromium_offers.html in a local headless Chromium (Debian `chromium`)
and writes each SDP it produced to <out_dir>/chromium_<key>.sdp.

Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe), so the script waits, in real time, until the page
has finished (ICE gathering included) instead of relying on --dump-dom and a
virtual time budget, under which the gathering timeouts fire too early. No
network is used; host candidates are mDNS .local names (Chromium's default).

    core/sdp/testdata/generate/chromium_sdp.py [out_dir]   (default: a temp dir)
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required", "--remote-debugging-pipe",
]
# Resolves to the page's JSON once window.sdpResult (set by the page) settles.
WAIT = """new Promise(r => { const t = () => window.sdpResult
    ? window.sdpResult.then(o => r(JSON.stringify(o)), e => r('ERR ' + e))
    : setTimeout(t, 50); t(); })"""


class Pipe:
    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        # Chromium reads commands on fd 3 and answers on fd 4.
        redirect = 'exec "$0" "$@" 3<&%d 4>&%d' % (to_chrome_r, from_chrome_w)
        self.proc = subprocess.Popen(
            ["sh", "-c", redirect, "chromium", *FLAGS,
             "--user-data-dir=" + profile, "about:blank"],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0

    def call(self, method, session=None, **params):
        reply = self.send(method, session, **params)
        if "error" in reply:
            sys.exit("chromium_sdp: %s: %s" % (method, reply["error"]))
        return reply["result"]

    def send(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buf:
                chunk = os.read(self.from_chrome, 1 << 16)
                if not chunk:
                    sys.exit("chromium_sdp: Chromium exited")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                return reply


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        chrome = Pipe(profile)
        try:
            version = chrome.call("Browser.getVersion")["product"]
            target = chrome.call(
                "Target.createTarget",
                url=(HERE / "chromium_offers.html").as_uri())["targetId"]
            session = chrome.call("Target.attachToTarget", targetId=target,
                                  flatten=True)["sessionId"]
            # The first evaluations may race the navigation to the page.
            for _ in range(100):
                reply = chrome.send("Runtime.evaluate", session,
                                    expression=WAIT, awaitPromise=True,
                                    returnByValue=True)
                if "error" not in reply:
                    break
                time.sleep(0.1)
            if "error" in reply:
                sys.exit("chromium_sdp: Runtime.evaluate: %s" % reply["error"])
            result = reply["result"]
            chrome.send("Browser.close")
        finally:
            try:
                chrome.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                chrome.proc.kill()
    text = result["result"].get("value", "")
    if not text.startswith("{"):
        sys.exit("chromium_sdp: page said: " + text[:300])
    print(version)
    for key, sdp in json.loads(text).items():
        path = out / ("chromium_%s.sdp" % key)
        path.write_bytes(sdp.encode())
        print("%s: %d bytes, %d candidates" % (path, len(sdp),
                                               sdp.count("a=candidate:")))


if __name__ == "__main__":
    main()
