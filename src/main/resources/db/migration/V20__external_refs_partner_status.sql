-- The status a partner's record last carried (for a case: its stage as the hub's status). A partner's delivery moves
-- the hub's case only when the partner's own status changed since: an update of other fields (notes, say) that still
-- carries the old stage must not undo a move the hub made meanwhile (one not yet pushed to the partner).
ALTER TABLE external_refs ADD COLUMN partner_status VARCHAR(32);
