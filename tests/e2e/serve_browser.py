#!/usr/bin/python3
"""The live dashboard of `chorus serve` in real headless Chromium (driven by chromedriver):
the page loads with no script error, the embedded report renders, an alert added to the
database while the page is open appears without a reload, and muting it without the token is
refused on the page. Screenshots go to $BUILD/serve-dashboard*.png.

usage: serve_browser.py  (env: CHORUS, SYNTH, BUILD); exits 77 (skipped) without chromium,
chromedriver or python3-selenium."""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

SKIP = 77


def skip(why):
    print(f"serve_browser: SKIP: {why} (CHORUS_WITH_BROWSER=1 make deps installs it)")
    sys.exit(SKIP)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    skip("python3-selenium is not installed")
driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
                    if os.path.exists(p)), None)
if not driver_path:
    skip("chromedriver is not installed (Debian chromium-driver)")

chorus, synth = os.environ["CHORUS"], os.environ["SYNTH"]
build = os.environ.get("BUILD", ".")
failed = 0
passed = 0


def check(what, cond):
    global failed, passed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what, file=sys.stderr)


def wait_for(fn, seconds=10.0):
    end = time.time() + seconds
    while time.time() < end:
        try:
            v = fn()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.1)
    return None


with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([synth, "--seed", "3", "--posts", "5000", "-o", f"{tmp}/gen"], check=True,
                   capture_output=True)
    db = f"{tmp}/s.db"
    subprocess.run([chorus, "scan", f"{tmp}/gen/posts.v1.jsonl", "-s",
                    f"{tmp}/gen/statements.jsonl", "-o", db, "-q"], check=True,
                   capture_output=True)
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS alerts(alert_id INTEGER PRIMARY KEY, created_at INTEGER, "
                "kind TEXT, cluster_id INTEGER, statement_id TEXT, summary TEXT, "
                "evidence TEXT, muted INTEGER NOT NULL DEFAULT 0)")
    con.commit()
    with open(f"{tmp}/tok", "w") as f:
        f.write("browser-test-token-0123456789\n")
    log = open(f"{tmp}/serve.log", "w+")
    srv = subprocess.Popen([chorus, "serve", db, "--listen", "127.0.0.1:0", "--token-file",
                            f"{tmp}/tok"], stderr=log)
    port = wait_for(lambda: re.search(r"127\.0\.0\.1:(\d+)",
                                      open(f"{tmp}/serve.log").read()), 5)
    check("the server started", port is not None)
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1280,1000", f"--user-data-dir={tmp}/profile"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        drv = webdriver.Chrome(service=Service(driver_path), options=opts)
    except Exception as e:  # no display server, broken install: say why and skip
        srv.terminate()
        skip(f"chromium did not start: {str(e).splitlines()[0]}")
    try:
        base = f"http://127.0.0.1:{port.group(1)}"
        drv.get(base + "/")
        live = wait_for(lambda: drv.find_element(By.ID, "status").text == "live", 10)
        check("the page connects to the event stream", live)
        rows = wait_for(lambda: len(drv.find_elements(By.CSS_SELECTOR, "#clusters-body tr")))
        n_db = con.execute("SELECT count(*) FROM clusters").fetchone()[0]
        check(f"the clusters table lists the clusters ({rows} of {n_db})",
              rows == min(n_db, 100))
        drv.switch_to.frame(drv.find_element(By.ID, "report"))
        h1 = wait_for(lambda: drv.find_element(By.TAG_NAME, "h1").text)
        check("the report renders inside the dashboard",
              h1 and "Coordinated accounts" in h1)
        drv.switch_to.default_content()
        # an alert raised while the page is open
        con.execute("INSERT INTO alerts(created_at, kind, cluster_id, summary, evidence) "
                    "VALUES (1678000000, 'new_cluster', 0, 'cluster 0 appeared: 9 accounts', "
                    "'{\"posts\": [\"1\"]}')")
        con.commit()
        item = wait_for(lambda: drv.find_element(By.ID, "alert-1"), 10)
        check("a new alert appears live", item is not None and
              "cluster 0 appeared" in item.text)
        drv.save_screenshot(f"{build}/serve-dashboard.png")
        # mute without the token: refused, said on the page, the alert stays unmuted
        item.find_element(By.TAG_NAME, "button").click()
        msg = wait_for(lambda: drv.find_element(By.ID, "message").text)
        check(f"muting without the token is refused on the page ({msg!r})",
              msg and msg.startswith("Not muted") and "token" in msg)
        check("and the alert stays unmuted",
              con.execute("SELECT muted FROM alerts WHERE alert_id = 1").fetchone()[0] == 0)
        errors = [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"
                  and "401" not in e.get("message", "")]
        check(f"no script errors ({errors})", not errors)
        drv.save_screenshot(f"{build}/serve-dashboard-refused.png")
        size = os.path.getsize(f"{build}/serve-dashboard.png")
        check("a screenshot was taken", size > 10000)
    finally:
        drv.quit()
        srv.terminate()
        srv.wait(10)
print(f"serve_browser: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
