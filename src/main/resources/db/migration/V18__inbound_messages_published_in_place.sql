-- Publishing a message (status, attempts, published_at, one row per event) was the relay's costliest write: with
-- status in an index every update wrote a whole new row version (about 1.3 KB with its encrypted body) into another
-- page, plus an entry in each of the table's five indexes: about 2.1 KB of WAL and 220 us of PostgreSQL's CPU per
-- published message on the bench, more than storing it. Without an index on status the update is HOT: the new
-- version stays on its page, no index changes, about 0.3 KB of WAL.
-- A HOT update needs room on the row's page. The relay publishes a claim's rows in one transaction, so none of their
-- old versions can be pruned before all are written: half of each page is kept free for them.
-- Ops' search by status walks (tenant_id, received_at) and filters; messages that need a person are found faster in
-- the approval queue (failed) and the outbox (still accepted).
DROP INDEX idx_inbound_messages_tenant_status;
ALTER TABLE inbound_messages SET (fillfactor = 50);
