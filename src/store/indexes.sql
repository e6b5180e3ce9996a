-- Indexes for the obvious lookups, created after the bulk insert (faster than maintaining them
-- row by row).
CREATE INDEX accounts_cluster ON accounts(cluster_id);
CREATE INDEX accounts_handle ON accounts(handle);
CREATE INDEX edges_a ON edges(account_a);
CREATE INDEX edges_b ON edges(account_b);
CREATE INDEX matches_post ON matches(post_id);
CREATE INDEX matches_statement ON matches(statement_id);
CREATE INDEX evidence_pair ON evidence(account_a, account_b);
