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
  - the coordination chart is drawn with a visible marker on every spike hour of the
    database's timeline (and a screenshot of it is not blank);
  - the largest cluster's most central account (the largest weighted degree within the
    cluster, from the edges table) is labelled with its handle in the network picture;
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
    spikes = con.execute("SELECT count(*) FROM timeline WHERE spike = 1").fetchone()[0]
    # the largest cluster, and its members by weighted degree within it (the weights as the
    # picture reads them: a missing, non-finite or non-positive weight counts 1)
    largest = con.execute("SELECT cluster_id FROM accounts WHERE cluster_id IS NOT NULL "
                          "GROUP BY cluster_id ORDER BY count(*) DESC, cluster_id "
                          "LIMIT 1").fetchone()
    central = []
    if largest:
        central = con.execute(
            "SELECT a.handle, sum(CASE WHEN e.weight > 0 AND e.weight < 1e300 THEN e.weight "
            "ELSE 1 END) AS s FROM edges e JOIN accounts a ON a.account_id IN (e.account_a, "
            "e.account_b) JOIN accounts x ON x.account_id = e.account_a JOIN accounts y ON "
            "y.account_id = e.account_b WHERE x.cluster_id = ?1 AND y.cluster_id = ?1 "
            "AND e.account_a <> e.account_b GROUP BY a.account_id ORDER BY s DESC LIMIT 3",
            (largest[0],)).fetchall()
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

        # coordination over time: a visible marker on every spike hour
        drawn = b.eval("[...document.querySelectorAll('svg.tl circle.spike')]"
                       ".filter(e => { const r = e.getBoundingClientRect();"
                       " return r.width > 0 && r.height > 0; }).length")
        check("coordination chart: a visible marker on each of the %d spike hours" % spikes,
              b.eval("!!document.querySelector('svg.tl')") and drawn == spikes,
              "%s markers" % drawn)
        r = b.eval("(() => { const e = document.querySelector('#timeline .fig');"
                   " if (!e) return null; e.scrollIntoView(); const r = e.getBoundingClientRect();"
                   " return [r.x, r.y + window.scrollY, r.width, r.height]; })()")
        if r:
            shot = os.path.join(tmp, "timeline.png")
            b.screenshot(shot, clip=r)
            ok, detail = not_blank(shot, min_colours=6)
            check("coordination chart screenshot is not blank", ok, detail)
            b.eval("window.scrollTo(0, 0)")

        # the largest cluster's central accounts are named in the picture
        if central:
            labels = b.eval("[...document.querySelectorAll('svg.net text.lab[data-cluster=\"%d\"]')]"
                            ".map(e => e.textContent)" % largest[0]) or []
            top = "@" + central[0][0]
            check("the largest cluster (#%d) has labels" % largest[0], len(labels) > 0)
            check("its most central account %s is labelled" % top,
                  any(top[:19] == l.rstrip("…")[:19] for l in labels),
                  "labels: %s" % ", ".join(labels[:8]))

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
