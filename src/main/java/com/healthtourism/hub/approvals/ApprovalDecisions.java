package com.healthtourism.hub.approvals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.outbox.RaisedEvents;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.Conflict;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * An operator's decisions on the approval queue. A decision is one conditional update in the item's tenant
 * transaction, with its audit row and its {@code approval.granted}/{@code approval.denied} event, so an item is
 * decided once: a second grant finds it no longer pending and changes nothing.
 *
 * <p>A grant then replays the stored original, byte-exact and with its original headers (its identity), into the
 * entry of the route it failed in. The replay ends the item as {@code replayed}; if the route fails again, its dead
 * letter channel parks it again (pending, one more attempt, the new error); if the replay cannot even run, the item
 * is {@code replay_failed} and stays in the queue (also when its stored body cannot be decrypted). An item left
 * {@code granted} longer than {@value #STALE_GRANT_MINUTES} minutes (the instance died between the decision and the
 * replay) may be granted or denied again.
 */
@Service
public class ApprovalDecisions {

    static final int STALE_GRANT_MINUTES = 10;
    /** The longest reason an operator may give (characters). */
    static final int MAX_REASON = 2000;
    private static final Duration STALE_GRANT = Duration.ofMinutes(STALE_GRANT_MINUTES);

    private static final String RESOURCE = "approval_item";

    private final TenantTransactions transactions;
    private final ApprovalItems items;
    private final ApprovalIndex index;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final RaisedEvents events;
    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public ApprovalDecisions(TenantTransactions transactions, ApprovalItems items, ApprovalIndex index,
                             FieldCipher cipher, AuditTrail audit, RaisedEvents events, ProducerTemplate producer,
                             ObjectMapper json) {
        this.transactions = transactions;
        this.items = items;
        this.index = index;
        this.cipher = cipher;
        this.audit = audit;
        this.events = events;
        this.producer = producer;
        this.json = json;
    }

    /** Who decides and from where: the audit row's actor, ip and user agent. */
    public record Operator(String name, String ip, String userAgent) {
    }

    /** What a bulk action did: how many items, which, and whether more matched than one call decides. */
    public record BulkResult(int count, List<UUID> ids, boolean more) {
    }

    public ApprovalView grant(UUID id, Operator operator, String reason) {
        checkReason(reason);
        var item = tenantOf(id);
        var stored = transactions.inTenant(item.tenantId(), db -> {
            decide(db, item, "granted", operator, reason);
            return items.stored(db, id).orElseThrow(() -> new NotFound("approval item", id));
        });
        index.decided(item.tenantId(), id);
        replay(stored);
        return transactions.inTenant(item.tenantId(), db -> items.find(db, id)).orElseThrow().withoutHeaders();
    }

    public ApprovalView deny(UUID id, Operator operator, String reason) {
        requireReason(reason);
        var item = tenantOf(id);
        transactions.inTenant(item.tenantId(), db -> {
            decide(db, item, "denied", operator, reason);
            return null;
        });
        index.decided(item.tenantId(), id);
        return transactions.inTenant(item.tenantId(), db -> items.find(db, id)).orElseThrow().withoutHeaders();
    }

    /** Grants the pending items matching the filter, oldest first, at most {@code cap} in one call. */
    public BulkResult grantAll(ApprovalFilter filter, Operator operator, String reason, int cap) {
        checkReason(reason);
        return bulk(filter, cap, item -> grant(item.id(), operator, reason));
    }

    public BulkResult denyAll(ApprovalFilter filter, Operator operator, String reason, int cap) {
        requireReason(reason);
        return bulk(filter, cap, item -> deny(item.id(), operator, reason));
    }

    private BulkResult bulk(ApprovalFilter filter, int cap, Consumer<ApprovalView> action) {
        var matching = transactions.readForOps(db -> items.pending(db, filter, cap + 1));
        var decided = new ArrayList<UUID>();
        for (var item : matching.subList(0, Math.min(cap, matching.size()))) {
            try {
                action.accept(item);
                decided.add(item.id());
            } catch (Conflict decidedMeanwhile) {
                // another operator decided it between the search and now: it is not ours to count
            }
        }
        return new BulkResult(decided.size(), List.copyOf(decided), matching.size() > cap);
    }

    private ApprovalView tenantOf(UUID id) {
        return transactions.readForOps(db -> items.find(db, id)).orElseThrow(() -> new NotFound("approval item", id));
    }

    private void decide(JdbcClient db, ApprovalView item, String decision, Operator operator, String reason) {
        var changed = db.sql("""
                        UPDATE approval_items
                        SET status = CAST(? AS approval_status), decided_by = ?, decided_at = now(), reason = ?
                        WHERE id = ? AND (status IN ('pending', 'replay_failed')
                              OR status = 'granted' AND decided_at < now() - make_interval(secs => ?))""")
                .params(decision, operator.name(), blankToNull(reason), item.id(), STALE_GRANT.toSeconds()).update();
        if (changed == 0) {
            var now = items.find(db, item.id()).map(ApprovalView::status).orElse("gone");
            throw new Conflict("status", "approval item " + item.id() + " is " + now + ", not pending: nothing to decide");
        }
        var verb = decision.equals("granted") ? "grant" : "deny";
        audit.record(db, new AuditEntry(item.tenantId(), operator.name(), "approval." + verb, RESOURCE, item.id(),
                operator.ip(), operator.userAgent(), true,
                Map.of("routeId", item.routeId(), "errorType", item.errorType())));
        var data = json.createObjectNode()
                .put("itemId", item.id().toString())
                .put("routeId", item.routeId())
                .put("decidedBy", operator.name());
        if (reason != null && !reason.isBlank()) {
            data.put("reason", reason);
        }
        events.raise(db, item.tenantId(), "approvals", "approval." + decision, item.id().toString(), data);
    }

    private void replay(ApprovalItems.Stored stored) {
        var item = stored.item();
        Exception failure;
        try {
            var exchange = new DefaultExchange(producer.getCamelContext());
            exchange.getMessage().setHeaders(new HashMap<>(stored.headers()));
            exchange.getMessage().setBody(cipher.decrypt(stored.ciphertext(), ApprovalItems.bodyContext(item.tenantId(), item.id())));
            exchange.setProperty(ApprovalQueue.REPLAY_OF, item.id());
            var result = producer.send(stored.entryUri(), exchange);
            if (result.getProperty(ApprovalQueue.PARKED_ITEM) != null) {
                return; // the route failed again and its dead letter channel parked the message: pending once more
            }
            failure = result.getException();
        } catch (RuntimeException cannotRun) {
            failure = cannotRun;
        }
        var error = failure;
        var nowReplayFailed = transactions.inTenant(item.tenantId(), db -> {
            if (error == null) {
                return db.sql("UPDATE approval_items SET status = 'replayed' WHERE id = ? AND status = 'granted'")
                        .param(item.id()).update();
            }
            var summary = FailureSummary.of(error);
            return db.sql("""
                            UPDATE approval_items
                            SET status = 'replay_failed', attempts = attempts + 1, last_failed_at = now(),
                                error_type = ?, error_message = ?
                            WHERE id = ? AND status = 'granted'""")
                    .params(summary.type(), summary.message(), item.id()).update();
        }) == 1 && error != null;
        if (nowReplayFailed) {
            // it waits for a decision again: back on the consoles' list
            index.pending(item.tenantId(), item.id());
        }
    }

    private static void requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new BadRequest("reason", "reason: a denial needs a reason");
        }
        checkReason(reason);
    }

    /**
     * A reason is a note for people: it goes into the item, the audit row and the approval.* event. A longer one is
     * the operator's 400, not an event too long to publish. (A NUL, which PostgreSQL cannot store, is a 400 too:
     * ProblemHandler answers any data exception so.)
     */
    private static void checkReason(String reason) {
        if (reason != null && reason.length() > MAX_REASON) {
            throw new BadRequest("reason", "reason: at most " + MAX_REASON + " characters");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
