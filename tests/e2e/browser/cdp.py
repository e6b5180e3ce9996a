"""cdp.py — a small driver for headless Chromium over the DevTools protocol, for the report's
browser tests (tests/e2e/browser/report_browser.py). Uses Debian's python3-websocket; no npm.

    with Browser("/usr/bin/chromium", tmpdir) as b:
        b.viewport(1280, 900)
        b.open("file:///x/report.html")
        b.eval("document.title")
        b.screenshot("desk.png", full_page=False)
        b.problems()   # console errors, uncaught exceptions, CSP violations, failed loads

Every console message, exception and log entry the page produces is kept, so a test can
assert that there were none.
"""
import base64
import json
import os
import subprocess
import tempfile
import time
import urllib.request

import websocket  # python3-websocket


class CDPError(RuntimeError):
    pass


class Browser:
    def __init__(self, exe, workdir, timeout=60):
        self.exe = exe
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="profile.", dir=workdir)
        self.proc = None
        self.ws = None
        self.next_id = 0
        self.events = []

    # ---- process ---------------------------------------------------------------------------
    def __enter__(self):
        args = [self.exe, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                "--font-render-hinting=none", "--remote-debugging-port=0",
                "--user-data-dir=" + self.profile, "about:blank"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + self.timeout
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.proc.poll() is not None:
                raise CDPError("chromium did not start")
            time.sleep(0.05)
        time.sleep(0.05)
        port = open(port_file).read().split()[0]
        targets = []
        while not targets:
            with urllib.request.urlopen("http://127.0.0.1:%s/json/list" % port) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            if not targets:
                if time.time() > deadline:
                    raise CDPError("chromium has no page")
                time.sleep(0.05)
        self.ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"],
                                              timeout=self.timeout, suppress_origin=True)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")
        return self

    def __exit__(self, *exc):
        try:
            if self.ws:
                self.ws.close()
        finally:
            if self.proc:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()

    # ---- protocol --------------------------------------------------------------------------
    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CDPError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        for i, e in enumerate(self.events):
            if e["method"] == method:
                return self.events.pop(i)
        while time.time() < deadline:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                if msg["method"] == method:
                    return msg
                self.events.append(msg)
        raise CDPError("no %s within the timeout" % method)

    # ---- page ------------------------------------------------------------------------------
    def viewport(self, width, height, mobile=False, scale=1):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=scale, mobile=mobile)

    def open(self, url):
        self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise CDPError("evaluation failed: %s" % json.dumps(r["exceptionDetails"])[:500])
        return r["result"].get("value")

    def type_into(self, selector, text):
        """Focuses the element and types text as key events, as a user would."""
        self.eval("document.querySelector(%s).focus()" % json.dumps(selector))
        for ch in text:
            self.call("Input.dispatchKeyEvent", type="keyDown", text=ch, key=ch)
            self.call("Input.dispatchKeyEvent", type="keyUp", key=ch)

    def screenshot(self, path, full_page=False, clip=None):
        """The viewport, the whole page, or clip = [x, y, width, height] of the page."""
        params = {"format": "png"}
        if clip:
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": clip[0], "y": clip[1], "width": clip[2], "height": clip[3],
                              "scale": 1}
        elif full_page:
            params["captureBeyondViewport"] = True
            m = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": m["width"], "height": m["height"],
                              "scale": 1}
        data = self.call("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def pdf(self, path):
        data = self.call("Page.printToPDF", printBackground=True)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def problems(self):
        """Console messages of any level, uncaught exceptions, log entries (CSP violations,
        blocked loads) and failed network loads seen so far, as text lines."""
        out = []
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                out.append("console.%s: %s" % (p.get("type"), " ".join(
                    str(a.get("value", a.get("description", ""))) for a in p.get("args", []))))
            elif m == "Runtime.exceptionThrown":
                d = p.get("exceptionDetails", {})
                out.append("exception: %s %s" % (d.get("text", ""),
                                                  d.get("exception", {}).get("description", "")))
            elif m == "Log.entryAdded":
                en = p.get("entry", {})
                out.append("log %s/%s: %s" % (en.get("source"), en.get("level"), en.get("text")))
            elif m == "Network.loadingFailed":
                out.append("load failed: %s" % p.get("errorText"))
            elif m == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not url.startswith(("file:", "data:", "about:")):
                    out.append("network request: %s" % url)
        return out
