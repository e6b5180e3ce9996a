-- Indexes of the posts table, built by ch_store_posts_index once the posts are in (a sorted
-- build is faster than maintaining them row by row).
CREATE INDEX posts_account ON posts(account_id, created_at);
CREATE INDEX posts_narrative ON posts(narrative_id);
CREATE INDEX posts_ref ON posts(ref_id);
