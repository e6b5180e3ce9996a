#!/usr/bin/python3
"""report_browser.py — the report in real headless Chromium (driven over the DevTools protocol
by cdp.py), as a reader would use it:

  - the page loads with no console message, exception, CSP violation or network request (a
    control page with an error shows the detector works);
  - its script ran (the search box is there), and every account of every cluster in the
    database is in the page's text;
  - the search finds a member listed only under a collapsed "more members" (or, failing one,
    any member): the row becomes visible and rows that do not match are hidden;
  - screenshots at desktop and phone widths are not blank (many colours, ink on most of the
    page), and the phone layout does not scroll sideways;
  - printing to PDF works and opens the collapsed sections first.

usage: report_browser.py CHROMIUM REPORT.html DB TMPDIR [quick]
("quick", for very large pages: no PDF and no phone pass, which take minutes there.)
Prints one line per check ("ok ..." / "FAIL ..."); exits 1 when a check failed.
"""
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402

failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok   " if cond else "FAIL ") + name + (": " + detail if detail and not cond else ""))
    if not cond:
        failed += 1


def not_blank(path, min_colours=12):
    """A screenshot with ink: many distinct colours, and no single colour over 97% of it."""
    from PIL import Image  # python3-pil
    im = Image.open(path).convert("RGB")
    small = im.resize((max(1, im.width // 4), max(1, im.height // 4)))
    colours = small.getcolors(maxcolors=1 << 20) or []
    total = small.width * small.height
    top = max((c for c, _ in colours), default=total)
    return len(colours) >= min_colours and top < 0.97 * total, \
        "%d colours, most common %.1f%%" % (len(colours), 100.0 * top / total)


def problems(b):
    """The browser's problems so far, after a round trip that reads every event it sent."""
    time.sleep(0.3)
    b.eval("1")
    return b.problems()


def main():
    exe, report, db, tmp = sys.argv[1:5]
    quick = sys.argv[5:6] == ["quick"]
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    members = con.execute("SELECT account_id, coalesce(handle, '') FROM accounts "
                          "WHERE cluster_id IS NOT NULL").fetchall()
    # a member past the first 25 of its cluster (listed under "more members"), if any
    hidden = con.execute(
        "SELECT handle FROM (SELECT handle, row_number() OVER (PARTITION BY cluster_id "
        "ORDER BY score DESC, account_id) AS r FROM accounts WHERE cluster_id IS NOT NULL "
        "AND handle <> '') WHERE r > 25 ORDER BY handle LIMIT 1").fetchone()
    if not hidden:
        hidden = con.execute("SELECT handle FROM accounts WHERE cluster_id IS NOT NULL AND "
                             "handle <> '' ORDER BY handle LIMIT 1").fetchone()
    con.close()

    control = os.path.abspath(os.path.join(tmp, "control.html"))
    with open(control, "w") as f:
        f.write('<!DOCTYPE html><p>x</p><script>console.error("control-error")</script>')

    with Browser(exe, tmp) as b:
        b.viewport(1280, 900)
        b.open("file://" + control)
        check("the problem detector sees a console error",
              any("control-error" in p for p in problems(b)))
        b.events = []

        t0 = time.time()
        b.open("file://" + os.path.abspath(report))
        print("     loaded in %.2f s" % (time.time() - t0))
        probs = problems(b)
        check("no console message, exception, CSP violation or request", not probs,
              "; ".join(probs)[:600])
        check("the script ran (search box)", b.eval("!!document.getElementById('q')"))

        text = b.eval("document.body.textContent")
        missing = [h or a for a, h in members
                   if ("@" + h if h else a) not in text]
        check("every member of every cluster is in the page (%d)" % len(members),
              not missing, "missing: %s" % ", ".join(missing[:5]))
        check("edge colours have a legend", b.eval("!!document.getElementById('edge-legend')"))

        shot = os.path.join(tmp, "desktop.png")
        b.screenshot(shot)
        ok, detail = not_blank(shot)
        check("desktop screenshot is not blank", ok, detail)

        if hidden:
            h = hidden[0]
            visible_before = b.eval(
                "[...document.querySelectorAll('.f')].filter(e => e.getClientRects().length)"
                ".length")
            b.type_into("#q", h)
            time.sleep(0.5)
            found = b.eval(
                "[...document.querySelectorAll('.f')].filter(e => e.getClientRects().length && "
                "e.textContent.toLowerCase().includes(%r.toLowerCase())).length" % h)
            visible = b.eval(
                "[...document.querySelectorAll('.f')].filter(e => e.getClientRects().length)"
                ".length")
            check("search shows the member '@%s'" % h, found >= 1, "found %s" % found)
            check("search hides what does not match", visible < visible_before,
                  "%s visible of %s" % (visible, visible_before))
            check("search says how many matched",
                  "match" in (b.eval("document.getElementById('qn').textContent") or ""))
            b.eval("(() => { const q = document.getElementById('q'); q.value = '';"
                   " q.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); })()")
            time.sleep(0.2)
            check("clearing the search shows every row again",
                  b.eval("document.querySelectorAll('.f.hid').length") == 0)

        closed = b.eval("document.querySelectorAll('details:not([open])').length")
        b.eval("window.dispatchEvent(new Event('beforeprint'))")
        check("before printing, every collapsed section opens",
              closed > 0 and b.eval("document.querySelectorAll('details:not([open])').length")
              == 0, "%s closed before" % closed)
        b.eval("window.dispatchEvent(new Event('afterprint'))")
        check("after printing, they close again",
              b.eval("document.querySelectorAll('details:not([open])').length") == closed)
        if quick:
            return 1 if failed else 0
        pdf = os.path.join(tmp, "report.pdf")
        b.pdf(pdf)
        check("prints to PDF", os.path.getsize(pdf) > 10000, "%d bytes" % os.path.getsize(pdf))

        b.viewport(390, 844, mobile=True, scale=2)
        b.open("file://" + os.path.abspath(report))
        time.sleep(0.3)
        shot = os.path.join(tmp, "phone.png")
        b.screenshot(shot)
        ok, detail = not_blank(shot)
        check("phone screenshot is not blank", ok, detail)
        sw = b.eval("document.documentElement.scrollWidth")
        check("phone: no sideways scrolling", sw <= 392, "page is %s px wide" % sw)
        probs = problems(b)
        check("still no problem after search, print and phone", not probs,
              "; ".join(probs)[:600])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
