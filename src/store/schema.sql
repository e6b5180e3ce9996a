-- chorus results database (contract: docs/DESIGN.md, "Results database"; for people:
-- docs/schema.md, which says what every column holds).
-- Times are Unix seconds UTC; offsets are UTF-8 byte offsets into the original text, and the
-- *_char columns the same offsets in characters (Unicode code points).
-- Schema version 3 (PRAGMA user_version). Columns added since version 1 are appended to their
-- table, so that a reader of version 1 finds its columns where they were.
PRAGMA foreign_keys = OFF;

CREATE TABLE run (key TEXT PRIMARY KEY, value TEXT);

CREATE TABLE statements (
  statement_id TEXT PRIMARY KEY,
  source TEXT,
  published_at INTEGER,
  text TEXT,
  lang TEXT
);

-- Posts and accounts are identified by (id, platform): the same id text on two platforms
-- names two posts or two accounts. platform is a short name ('x', 'bluesky', 'telegram', ...)
-- or '' when the input did not say; a post's platform is its account's.
CREATE TABLE posts (
  post_id TEXT NOT NULL,
  account_id TEXT,
  created_at INTEGER,
  kind TEXT,
  ref_id TEXT,
  text TEXT,
  narrative_id INTEGER,
  platform TEXT NOT NULL DEFAULT '',
  root_id TEXT,            -- the thread's first post, NULL when unknown or the post is one
  lang TEXT,               -- as the input gave it, NULL when it did not
  urls TEXT,               -- JSON arrays of strings, NULL when none: URLs (expanded where the
  hashtags TEXT,           --   export has them), hashtags without '#', mentioned handles
  mentions TEXT,           --   without '@'
  PRIMARY KEY (post_id, platform)
);

CREATE TABLE accounts (
  account_id TEXT NOT NULL,
  handle TEXT,
  n_posts INTEGER,
  score REAL,
  cluster_id INTEGER,
  reasons TEXT,
  platform TEXT NOT NULL DEFAULT '',
  -- the profile as the input gave it (the latest snapshot; NULL when it did not say)
  created_at INTEGER,
  followers INTEGER,
  following INTEGER,
  statuses INTEGER,
  verified INTEGER,        -- 1, 0 or NULL, as are the three below
  default_profile INTEGER,
  default_profile_image INTEGER,
  bot INTEGER,
  display_name TEXT,
  description TEXT,
  PRIMARY KEY (account_id, platform)
);

CREATE TABLE clusters (
  cluster_id INTEGER PRIMARY KEY,
  size INTEGER,
  score REAL,
  behaviours TEXT,
  first_seen INTEGER,
  last_seen INTEGER,
  summary TEXT
);

CREATE TABLE edges (
  account_a TEXT,
  account_b TEXT,
  behaviour TEXT,
  weight REAL,
  n_events INTEGER,
  n_objects INTEGER,
  pvalue REAL,
  platform_a TEXT,
  platform_b TEXT,
  a_first INTEGER,         -- co-acting event pairs where a's post came first
  b_first INTEGER,         -- ... where b's did
  same_time INTEGER,       -- ... where both posts have the same time
  leader TEXT,             -- the account that came first more often, NULL when neither did
  lead_share REAL          -- the leader's share of the n_events pairs (NULL without leader)
);

CREATE TABLE matches (
  post_id TEXT,
  statement_id TEXT,
  similarity REAL,
  post_start INTEGER,
  post_end INTEGER,
  stmt_start INTEGER,
  stmt_end INTEGER,
  before_publication INTEGER,
  platform TEXT,           -- the post's
  post_start_char INTEGER, -- the four offsets above in characters (code points)
  post_end_char INTEGER,
  stmt_start_char INTEGER,
  stmt_end_char INTEGER
);

CREATE TABLE narratives (
  narrative_id INTEGER PRIMARY KEY,
  size INTEGER,
  n_accounts INTEGER,
  first_seen INTEGER,
  last_seen INTEGER,
  text TEXT
);

-- Evidence of an edge: one row per object the pair shared, with the two posts that acted on
-- it (the first pair of them within the window), and the object in words (the reposted /
-- replied / quoted post id, the canonical URL, the hashtag set, the narrative or statement
-- id).
CREATE TABLE evidence (
  account_a TEXT,
  account_b TEXT,
  behaviour TEXT,
  post_a TEXT,
  post_b TEXT,
  object TEXT,             -- readable: "post 123", a URL, "#a #b", "narrative 7", ...
  object_type TEXT,        -- post, post_text, url, hashtags, narrative, statement
  object_id TEXT,          -- the id within its type: post id, URL, "#a #b", narrative number,
                           -- statement id, or a hash for post_text
  t_a INTEGER,             -- created_at of post_a and post_b
  t_b INTEGER,
  gap INTEGER,             -- |t_b - t_a| in seconds
  platform_a TEXT,
  platform_b TEXT
);

CREATE TABLE ingest_errors (file TEXT, line INTEGER, reason TEXT);

-- Coordination over time (schema 3): one row per UTC hour with posts; coordination is the
-- share of the hour's posts made by clustered accounts, robust_z its robust z-score over the
-- hours, spike 1 for the hours where it jumps (src/detect/timeline/timeline.h).
CREATE TABLE timeline (
  hour_start INTEGER PRIMARY KEY,
  events INTEGER,
  accounts INTEGER,
  coordination REAL,
  robust_z REAL,
  spike INTEGER
);

-- Alerts of `chorus watch` (docs/watch.md): one row per alert, never rewritten by a refresh
-- (only `muted` changes, when someone mutes it). kind: new_cluster, cluster_grew,
-- statement_echo, coordination_spike. cluster_id: the cluster's stable id across refreshes
-- (cluster_tracks.track_id), NULL when the alert is not about one cluster. evidence: JSON with
-- the post and account ids behind the alert. A scan writes the table empty.
CREATE TABLE alerts (
  alert_id INTEGER PRIMARY KEY,
  created_at INTEGER,
  kind TEXT,
  cluster_id INTEGER,
  statement_id TEXT,
  summary TEXT,
  evidence TEXT,
  muted INTEGER NOT NULL DEFAULT 0
);

-- `chorus watch`: the stable id of each cluster of the latest refresh. clusters.cluster_id is
-- the rank in that refresh (0 = the strongest); a cluster that persists across refreshes
-- (matched by its members) keeps its track_id, which alerts name. since: Unix time the
-- cluster was first seen. A scan writes the table empty.
CREATE TABLE cluster_tracks (
  cluster_id INTEGER PRIMARY KEY,
  track_id INTEGER NOT NULL,
  since INTEGER
);

-- Views for the common questions (docs/schema.md has examples in SQL, pandas and R).

-- Members of each cluster with their reasons in words.
CREATE VIEW cluster_members AS
SELECT a.cluster_id, a.account_id, a.platform, a.handle, a.display_name, a.score, a.n_posts,
       (SELECT group_concat(value, '; ') FROM json_each(a.reasons, '$.top_reasons'))
         AS reasons_text,
       a.created_at, a.followers, a.following, a.statuses, a.verified, a.reasons
  FROM accounts a
 WHERE a.cluster_id IS NOT NULL;

-- Per-behaviour edges with both handles and who tended to act first.
CREATE VIEW pairs AS
SELECT e.account_a, aa.handle AS handle_a, e.account_b, ab.handle AS handle_b, e.behaviour,
       e.n_events, e.n_objects, e.pvalue, e.weight, e.leader,
       CASE e.leader WHEN e.account_a THEN aa.handle WHEN e.account_b THEN ab.handle END
         AS leader_handle,
       e.lead_share, aa.cluster_id AS cluster_a, ab.cluster_id AS cluster_b
  FROM edges e
  LEFT JOIN accounts aa ON aa.account_id = e.account_a AND aa.platform = e.platform_a
  LEFT JOIN accounts ab ON ab.account_id = e.account_b AND ab.platform = e.platform_b;

-- What a pair shared: every object, both posts, their texts and times.
CREATE VIEW pair_shared AS
SELECT v.account_a, aa.handle AS handle_a, v.account_b, ab.handle AS handle_b, v.behaviour,
       v.object_type, v.object_id, v.object, v.post_a, pa.text AS text_a, v.t_a,
       v.post_b, pb.text AS text_b, v.t_b, v.gap,
       CASE WHEN v.t_a < v.t_b THEN v.account_a WHEN v.t_b < v.t_a THEN v.account_b END
         AS first_account
  FROM evidence v
  LEFT JOIN accounts aa ON aa.account_id = v.account_a AND aa.platform = v.platform_a
  LEFT JOIN accounts ab ON ab.account_id = v.account_b AND ab.platform = v.platform_b
  LEFT JOIN posts pa ON pa.post_id = v.post_a AND pa.platform = v.platform_a
  LEFT JOIN posts pb ON pb.post_id = v.post_b AND pb.platform = v.platform_b;

-- Who echoed each statement, in order: rank 1 came first; first_of_account marks each
-- account's first echo of that statement.
CREATE VIEW statement_echoes AS
SELECT m.statement_id,
       row_number() OVER (PARTITION BY m.statement_id ORDER BY p.created_at, m.post_id)
         AS rank,
       row_number() OVER (PARTITION BY m.statement_id, p.account_id, p.platform
                          ORDER BY p.created_at, m.post_id) = 1 AS first_of_account,
       p.account_id, a.handle, a.cluster_id, m.post_id, p.platform, p.created_at,
       p.created_at - s.published_at AS delay, m.before_publication, m.similarity,
       substr(p.text, m.post_start_char + 1, m.post_end_char - m.post_start_char) AS passage
  FROM matches m
  JOIN posts p ON p.post_id = m.post_id AND p.platform = m.platform
  LEFT JOIN accounts a ON a.account_id = p.account_id AND a.platform = p.platform
  LEFT JOIN statements s ON s.statement_id = m.statement_id;
