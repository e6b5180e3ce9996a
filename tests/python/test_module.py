#!/usr/bin/python3
"""Tests of the Python module chorus (python/chorus) on generator data and small hand-made
files: a scan to DataFrames and graphs, the results database for people (complete typed
evidence, who led, entities, profiles, character offsets, views), match(), errors, callbacks
and exports. Run by ctest with PYTHONPATH=build/python; exits 77 (skipped) with the reason when
the module or pandas is missing."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


try:
    import pandas as pd  # noqa: F401
except ImportError:
    skip("python3-pandas is missing (apt-get install python3-pandas)")
try:
    import chorus
except ImportError as e:
    skip(f"the chorus module is {os.environ.get('CHORUS_PYTHON_WHY') or 'not importable'} ({e})")

SYNTH = os.environ.get("SYNTH", "build/chorus-synth")
TMP = tempfile.mkdtemp(prefix="chorus-py-")
RES = None        # one scan of generator data, shared by the tests that only read it


def setUpModule():
    global RES
    out = os.path.join(TMP, "synth")
    subprocess.run([SYNTH, "--posts", "8000", "--seed", "11", "--campaigns", "4", "--quiet",
                    "--format", "chorus", "-o", out], check=True)
    RES = chorus.scan(os.path.join(out, "posts.chorus.jsonl"),
                      statements=os.path.join(out, "statements.jsonl"),
                      db=os.path.join(TMP, "case.db"), threads=2)


def tearDownModule():
    if RES is not None:
        RES.close()


def write(name, lines):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            f.write("\n")
    return path


class Scan(unittest.TestCase):
    def test_tables(self):
        self.assertEqual(RES.schema, 3)
        self.assertGreater(len(RES.clusters), 0)
        self.assertTrue((RES.clusters.score.diff().dropna() <= 0).all(), "strongest first")
        a = RES.accounts
        for col in ("handle", "platform", "score", "cluster_id", "followers", "created_at",
                    "verified", "display_name", "top_reasons"):
            self.assertIn(col, a.columns)
        self.assertEqual(str(a.cluster_id.dtype), "Int64")
        self.assertEqual(str(a.created_at.dtype), "datetime64[ns, UTC]")
        clustered = a[a.cluster_id.notna()]
        self.assertEqual(len(clustered), int(RES.summary["clustered_accounts"]))
        self.assertTrue(all(len(r) > 0 for r in clustered.top_reasons))
        self.assertEqual(len(RES.posts), RES.summary["posts"])
        self.assertGreater(len(RES.matches), 0)
        self.assertEqual(RES.run["count.evidence_trimmed"], "0")

    def test_entities(self):
        p = RES.posts
        self.assertTrue(all(isinstance(v, list) for v in p.urls))
        with_urls = p[p.urls.map(len) > 0]
        self.assertGreater(len(with_urls), 0)
        self.assertTrue(all(u.startswith("http") for v in with_urls.urls for u in v))
        tagged = p[p.hashtags.map(len) > 0]
        self.assertGreater(len(tagged), 0)
        # hashtags are stored without '#', and each one appears in its post
        for text, tags in zip(tagged.text.head(200), tagged.hashtags.head(200)):
            for t in tags:
                self.assertFalse(t.startswith("#"))
                self.assertIn(t.lower(), text.lower())
        self.assertTrue(p.lang.notna().any())

    def test_evidence_complete_and_timed(self):
        # every edge has every shared object in its evidence (a row per burst of it)
        per = RES.sql("SELECT e.n_objects, count(DISTINCT v.object) AS objects, "
                      "count(v.rowid) AS rows FROM edges e LEFT JOIN "
                      "evidence v ON v.account_a = e.account_a AND v.account_b = e.account_b "
                      "AND v.behaviour = e.behaviour GROUP BY e.rowid")
        self.assertGreater(len(per), 0)
        self.assertTrue((per.n_objects == per.objects).all(), per[per.n_objects != per.objects])
        self.assertTrue((per.rows >= per.objects).all())
        self.assertEqual(int(RES.run["count.evidence"]), len(RES.evidence))
        # the times are the posts' and the gap their distance
        chk = RES.sql("SELECT v.t_a, v.t_b, v.gap, pa.created_at AS ca, pb.created_at AS cb, "
                      "pa.account_id AS aa, v.account_a FROM evidence v "
                      "JOIN posts pa ON pa.post_id = v.post_a "
                      "JOIN posts pb ON pb.post_id = v.post_b")
        self.assertEqual(len(chk), len(RES.evidence))
        self.assertTrue((chk.t_a == chk.ca).all() and (chk.t_b == chk.cb).all())
        self.assertTrue((chk.gap == (chk.t_b - chk.t_a).abs()).all())
        self.assertTrue((chk.aa == chk.account_a).all(), "post_a is account_a's")
        ev = RES.evidence
        self.assertTrue(set(ev.object_type) <= {"post", "post_text", "url", "hashtag", "account",
                                                "narrative", "statement"})
        posts = ev[ev.object_type == "post"]
        self.assertTrue((posts.object == "post " + posts.object_id).all())

    def test_leader(self):
        e = RES.edges
        self.assertTrue(((e.a_first + e.b_first + e.same_time) == e.n_events).all())
        led = e[e.leader.notna()]
        self.assertGreater(len(led), 0)
        want = led.account_a.where(led.a_first > led.b_first, led.account_b)
        self.assertTrue((led.leader == want).all())
        share = led[["a_first", "b_first"]].max(axis=1) / led.n_events
        self.assertTrue(((led.lead_share - share).abs() < 1e-9).all())
        self.assertTrue(e[e.a_first == e.b_first].leader.isna().all())

    def test_char_offsets(self):
        m = RES.sql("SELECT m.*, p.text AS text, s.text AS stext FROM matches m "
                    "JOIN posts p USING (post_id) JOIN statements s USING (statement_id)")
        self.assertGreater(len(m), 0)
        for r in m.itertuples():
            raw = r.text.encode("utf-8")
            self.assertEqual(r.text[r.post_start_char:r.post_end_char],
                             raw[r.post_start:r.post_end].decode("utf-8"))
            sraw = r.stext.encode("utf-8")
            self.assertEqual(r.stext[r.stmt_start_char:r.stmt_end_char],
                             sraw[r.stmt_start:r.stmt_end].decode("utf-8"))

    def test_views(self):
        cm = RES.sql("SELECT * FROM cluster_members")
        self.assertEqual(len(cm), int(RES.accounts.cluster_id.notna().sum()))
        self.assertTrue(cm.reasons_text.notna().all())
        m0 = RES.members(0)
        self.assertTrue((m0.cluster_id == 0).all() and len(m0) > 0)
        pairs = RES.sql("SELECT * FROM pairs")
        self.assertEqual(len(pairs), len(RES.edges))
        ps = RES.sql("SELECT * FROM pair_shared")
        self.assertEqual(len(ps), len(RES.evidence))
        echoes = RES.sql("SELECT * FROM statement_echoes ORDER BY statement_id, rank")
        self.assertEqual(len(echoes), len(RES.matches))
        first = echoes.groupby("statement_id").created_at.min()
        r1 = echoes[echoes["rank"] == 1].set_index("statement_id").created_at
        self.assertTrue((first == r1).all(), "rank 1 came first")
        self.assertTrue(echoes.passage.notna().all())

    def test_graphs(self):
        g = RES.graph()
        in_edges = set(RES.edges.account_a) | set(RES.edges.account_b)
        self.assertEqual(set(g.nodes), in_edges)
        pairs = RES.edges.groupby(["account_a", "account_b"]).n_events.sum()
        self.assertEqual(g.number_of_edges(), len(pairs))
        (a, b), n = next(iter(pairs.items()))
        self.assertEqual(g[a][b]["weight"], n)
        clustered = RES.accounts.dropna(subset=["cluster_id"])
        some = clustered.account_id.iloc[0]
        self.assertEqual(g.nodes[some]["cluster"], int(clustered.cluster_id.iloc[0]))
        mg = RES.graph(combined=False)
        self.assertEqual(mg.number_of_edges(), len(RES.edges))
        c0 = RES.graph(cluster=0)
        self.assertTrue(all(d["cluster"] == 0 for _, d in c0.nodes(data=True)))
        try:
            import igraph  # noqa: F401  (only whether it is there)
        except ImportError:
            print("note: python3-igraph missing, graph('igraph') not tested")
            return
        gi = RES.graph("igraph")
        self.assertEqual((gi.vcount(), gi.ecount()), (g.number_of_nodes(), g.number_of_edges()))
        self.assertEqual(sorted(gi.vs["name"]), sorted(g.nodes))

    def test_export(self):
        import networkx as nx
        path = RES.export(os.path.join(TMP, "net.graphml"))
        g = nx.read_graphml(path)
        self.assertEqual(g.number_of_nodes(), RES.graph().number_of_nodes())
        nodes, edges = RES.export(os.path.join(TMP, "net"), format="csv")
        self.assertGreater(len(pd.read_csv(edges)), 0)

    def test_reopen(self):
        with chorus.open(RES.path) as r:
            self.assertEqual(len(r.edges), len(RES.edges))
            self.assertIsNone(r.summary)
            self.assertIn("count.posts", r.run)


class Small(unittest.TestCase):
    def test_unicode_offsets_and_diagnostics(self):
        stmt = "Nous 🎉 célébrons l'amitié éternelle entre nos deux peuples — toujours."
        posts = [{"id": f"p{i}", "author_id": f"a{i}", "author": f"h{i}",
                  "created_at": 1700000000 + i * 60,
                  "text": f"Été 😀 {i}: " + stmt} for i in range(4)]
        path = write("uni.jsonl", posts + ['{"id": "broken", "text": "no end'])
        spath = write("stmts.jsonl", [{"id": "S1", "text": stmt,
                                        "published_at": "2023-11-14T00:00:00Z"}])
        seen = []
        stages = []
        with chorus.scan(path, statements=spath, on_diag=seen.append,
                         on_progress=lambda p: stages.append(p["stage"]),
                         threads=1) as res:
            self.assertEqual(len(res.posts), 4)
            self.assertEqual(len(seen), 1)
            self.assertEqual((seen[0]["line"], seen[0]["reason"]), (5, "bad_json"))
            self.assertEqual(res.diagnostics.line.tolist(), [5])
            self.assertIn("coact", stages)
            m = res.sql("SELECT m.*, p.text FROM matches m JOIN posts p USING (post_id)")
            self.assertEqual(len(m), 4)
            for r in m.itertuples():
                self.assertIn(r.text[r.post_start_char:r.post_end_char], stmt)
                self.assertGreater(r.post_start, r.post_start_char)   # emoji: 4 bytes, 1 char
            tmp = res._tmpdir
            self.assertTrue(os.path.isdir(tmp))
        self.assertFalse(os.path.exists(tmp), "a scan's temporary database is removed")
        df = chorus.match(path, spath)
        self.assertEqual(len(df), 4)
        self.assertTrue((df.passage.str.len() > 20).all())
        for r in df.itertuples():
            self.assertEqual(r.post_text[r.post_start_char:r.post_end_char], r.passage)

    def test_errors(self):
        path = write("one.jsonl", [{"id": "1", "author_id": "a", "created_at": 1, "text": "x"}])
        with self.assertRaises(chorus.ChorusError) as cm:
            chorus.scan(path, window=-5)
        self.assertEqual(cm.exception.kind, "usage")
        self.assertTrue(cm.exception.message.startswith("window"), cm.exception.message)
        with self.assertRaises(chorus.ChorusError) as cm:
            chorus.scan(path, no_such_option=1)
        self.assertEqual(cm.exception.kind, "usage")
        with self.assertRaises(chorus.ChorusError) as cm:
            chorus.open(os.path.join(TMP, "missing.db"))
        self.assertEqual(cm.exception.kind, "io")
        other = os.path.join(TMP, "other.db")
        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
        with self.assertRaises(chorus.ChorusError) as cm:
            chorus.open(other)
        self.assertEqual(cm.exception.kind, "db")
        self.assertIn("not a chorus results database", cm.exception.message)
        # a callback that raises stops nothing in C but comes back to the caller
        def boom(p):
            raise KeyError("from the callback")
        with self.assertRaises(KeyError):
            chorus.scan(path, on_progress=boom)
        # the options and formats are listed from the library
        self.assertIn("window", set(chorus.options().key))
        self.assertIn("chorus", set(chorus.formats().name))
        self.assertRegex(chorus.version(), r"^\d+\.\d+\.\d+$")


if __name__ == "__main__":
    unittest.main(verbosity=2)
