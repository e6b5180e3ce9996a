-- chorus results database (contract: docs/DESIGN.md, "Results database").
-- Times are Unix seconds UTC; offsets are UTF-8 byte offsets into the original text.
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
  pvalue REAL
);

CREATE TABLE matches (
  post_id TEXT,
  statement_id TEXT,
  similarity REAL,
  post_start INTEGER,
  post_end INTEGER,
  stmt_start INTEGER,
  stmt_end INTEGER,
  before_publication INTEGER
);

CREATE TABLE narratives (
  narrative_id INTEGER PRIMARY KEY,
  size INTEGER,
  n_accounts INTEGER,
  first_seen INTEGER,
  last_seen INTEGER,
  text TEXT
);

-- Evidence of an edge: the two posts that acted on the same object, and the object in words
-- (the reposted/replied/quoted post id, the canonical URL, the hashtag set, the narrative or
-- statement id).
CREATE TABLE evidence (
  account_a TEXT,
  account_b TEXT,
  behaviour TEXT,
  post_a TEXT,
  post_b TEXT,
  object TEXT
);

CREATE TABLE ingest_errors (file TEXT, line INTEGER, reason TEXT);

-- Coordination over time (schema 2): one row per UTC hour with posts; coordination is the
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
