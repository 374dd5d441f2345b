package com.healthtourism.hub.patients;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The partner's ids of the hub's rows ({@code external_refs}), used inside the caller's tenant transaction. A claim
 * locks the reference until the transaction ends, so two deliveries of one partner record apply one after the other.
 */
@Component
class ExternalRefs {

    /** A partner record's hub row: whether this claim made it, and what was last applied to it. */
    record Ref(UUID localId, boolean created, String contentHmac, OffsetDateTime sourceUpdatedAt, String partnerStatus) {

        /** The delivery carries nothing new: the same content, or a change older than the one applied. */
        boolean alreadyApplied(String contentHmac, OffsetDateTime sourceUpdatedAt) {
            if (created) {
                return false;
            }
            if (sourceUpdatedAt != null && this.sourceUpdatedAt != null && sourceUpdatedAt.isBefore(this.sourceUpdatedAt)) {
                return true;
            }
            return contentHmac.equals(this.contentHmac);
        }
    }

    Optional<UUID> find(JdbcClient db, String source, String kind, String externalId) {
        return db.sql("SELECT local_id FROM external_refs WHERE source = ? AND kind = ? AND external_id = ?")
                .params(source, kind, externalId).query(UUID.class).optional();
    }

    /** The partner's id of a hub row, if the row came from that partner. */
    Optional<String> externalId(JdbcClient db, String source, String kind, UUID localId) {
        return db.sql("SELECT external_id FROM external_refs WHERE source = ? AND kind = ? AND local_id = ?")
                .params(source, kind, localId).query(String.class).optional();
    }

    /**
     * The reference of {@code externalId}, made with {@code proposedLocalId} if there is none yet. A delivery that
     * races another for the same new record waits for it at the unique key and then finds its row.
     */
    Ref claim(JdbcClient db, UUID tenant, String source, String kind, String externalId, UUID proposedLocalId) {
        int inserted = db.sql("""
                        INSERT INTO external_refs (tenant_id, source, kind, external_id, local_id) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (tenant_id, source, kind, external_id) DO NOTHING""")
                .params(tenant, source, kind, externalId, proposedLocalId).update();
        if (inserted == 1) {
            return new Ref(proposedLocalId, true, null, null, null);
        }
        return db.sql("""
                        SELECT local_id, content_hmac, source_updated_at, partner_status FROM external_refs
                        WHERE source = ? AND kind = ? AND external_id = ? FOR UPDATE""")
                .params(source, kind, externalId)
                .query((rs, n) -> new Ref(rs.getObject(1, UUID.class), false, rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class), rs.getString(4)))
                .single();
    }

    /**
     * A delivery that repeats what was applied still tells when the partner last had that content: its change time
     * moves on (never back), so a late older change (a replay from the approval queue, say) does not apply over it.
     */
    void seen(JdbcClient db, String source, String kind, String externalId, OffsetDateTime sourceUpdatedAt) {
        if (sourceUpdatedAt == null) {
            return;
        }
        db.sql("""
                        UPDATE external_refs SET source_updated_at = GREATEST(source_updated_at, ?)
                        WHERE source = ? AND kind = ? AND external_id = ?""")
                .params(sourceUpdatedAt, source, kind, externalId).update();
    }

    /** The partner has this status now because the hub told it (a status push it accepted). */
    void told(JdbcClient db, String source, String kind, String externalId, String partnerStatus) {
        db.sql("""
                        UPDATE external_refs SET partner_status = ?, updated_at = now()
                        WHERE source = ? AND kind = ? AND external_id = ?""")
                .params(partnerStatus, source, kind, externalId).update();
    }

    /**
     * Records what was applied: its content hash, the partner's change time (never moving back) and the status the
     * partner's record carried (kept when it carried none).
     */
    void applied(JdbcClient db, String source, String kind, String externalId, String contentHmac,
                 OffsetDateTime sourceUpdatedAt, String partnerStatus) {
        db.sql("""
                        UPDATE external_refs SET content_hmac = ?,
                               source_updated_at = GREATEST(source_updated_at, ?),
                               partner_status = COALESCE(?, partner_status), updated_at = now()
                        WHERE source = ? AND kind = ? AND external_id = ?""")
                .params(contentHmac, sourceUpdatedAt, partnerStatus, source, kind, externalId).update();
    }
}
