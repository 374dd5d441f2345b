package com.healthtourism.hub.idempotency;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * The store behind X-Idempotency-Key on admin and ops writes (table admin_idempotency): one row per
 * operator and key, claimed atomically before the request runs and completed with its response.
 * Keys are kept as sha-256 hex, never as sent. A row still running after {@code staleAfter} (its
 * request died with its instance) or older than {@code retention} may be claimed afresh.
 */
@Component("adminIdempotency")
public class AdminIdempotency {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TenantTransactions transactions;
    private final Duration retention;
    private final Duration staleAfter;

    public AdminIdempotency(TenantTransactions transactions,
                            @Value("${hub.idempotency.retention}") Duration retention,
                            @Value("${hub.idempotency.stale-after}") Duration staleAfter) {
        this.transactions = transactions;
        this.retention = retention;
        this.staleAfter = staleAfter;
    }

    /** What a request carrying a key should do. */
    public sealed interface Claim {
        /**
         * The key is this request's: run it, then {@link #complete} or {@link #release}. {@code since} (when it was
         * claimed) tells this request's claim from a later one that took the key over from it: only its own counts.
         */
        record Claimed(OffsetDateTime since) implements Claim { }

        /** The same request ran before: answer with its response. */
        record Replay(int status, String contentType, Map<String, String> headers, byte[] body) implements Claim { }

        /** The key was used for another request. */
        record Mismatch() implements Claim { }

        /** The first request with this key has not finished yet. */
        record InProgress() implements Claim { }
    }

    public Claim claim(String principal, String keyHash, String requestHash) {
        return transactions.withoutTenant(db -> {
            // Either a fresh row, or taking over one whose request died or whose retention ran out.
            var claimed = db.sql("""
                            INSERT INTO admin_idempotency (principal, key_hash, request_hash) VALUES (?, ?, ?)
                            ON CONFLICT (principal, key_hash) DO UPDATE
                                SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL,
                                    response_headers = NULL, response_body = NULL, created_at = now()
                                WHERE admin_idempotency.created_at < now() - CAST(? AS interval)
                                   OR (admin_idempotency.status IS NULL
                                       AND admin_idempotency.created_at < now() - CAST(? AS interval))
                            RETURNING created_at""")
                    .params(principal, keyHash, requestHash, interval(retention), interval(staleAfter))
                    .query(OffsetDateTime.class).optional();
            if (claimed.isPresent()) {
                return new Claim.Claimed(claimed.get());
            }
            return db.sql("""
                            SELECT request_hash, status, content_type, response_headers::text AS response_headers,
                                   response_body FROM admin_idempotency
                            WHERE principal = ? AND key_hash = ?""")
                    .params(principal, keyHash)
                    .query((rs, row) -> {
                        if (!rs.getString("request_hash").equals(requestHash)) {
                            return (Claim) new Claim.Mismatch();
                        }
                        int status = rs.getInt("status");
                        return rs.wasNull() ? new Claim.InProgress()
                                : new Claim.Replay(status, rs.getString("content_type"),
                                        headers(rs.getString("response_headers")), rs.getBytes("response_body"));
                    })
                    .optional()
                    // Released between our insert and select: the key is free again, but another request
                    // is about to take it; telling this one to retry is the honest answer.
                    .orElseGet(Claim.InProgress::new);
        });
    }

    /**
     * Stores the response of the claimed request for replays: status, content type, the given headers, body. Nothing,
     * if a later request took the key over meanwhile (this one ran past stale-after): the key is that one's now.
     */
    public void complete(String principal, String keyHash, Claim.Claimed claim, int status, String contentType,
                         Map<String, String> headers, byte[] body) {
        var kept = headers.isEmpty() ? null : json(headers);
        transactions.withoutTenant(db -> db.sql("""
                        UPDATE admin_idempotency SET status = ?, content_type = ?, response_headers = CAST(? AS jsonb),
                                                     response_body = ?
                        WHERE principal = ? AND key_hash = ? AND status IS NULL AND created_at = ?""")
                .params(status, contentType, kept, body, principal, keyHash, claim.since()).update());
    }

    private static String json(Map<String, String> headers) {
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> headers(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Frees the key (the request failed on the server's side) so the client may retry with it; not when a later request
     * took it over meanwhile.
     */
    public void release(String principal, String keyHash, Claim.Claimed claim) {
        transactions.withoutTenant(db -> db.sql(
                        "DELETE FROM admin_idempotency WHERE principal = ? AND key_hash = ? AND status IS NULL AND created_at = ?")
                .params(principal, keyHash, claim.since()).update());
    }

    /**
     * Deletes rows past their retention; returns how many, or null when another hub instance holds
     * the lock and sweeps instead.
     */
    @SchedulerLock(name = "admin-idempotency-sweep", lockAtMostFor = "PT10M")
    public Integer sweep() {
        return transactions.withoutTenant(db -> db.sql(
                        "DELETE FROM admin_idempotency WHERE created_at < now() - CAST(? AS interval)")
                .param(interval(retention)).update());
    }

    private static String interval(Duration duration) {
        return duration.toMillis() + " milliseconds";
    }
}
