package com.healthtourism.hub.cases;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.outbox.RaisedEvents;
import com.healthtourism.hub.problems.Conflict;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Changes to a case: a status move along the journey, or a provider assignment. Each change holds the case's Redis
 * lock, and is one tenant transaction that checks the row's version (the truth if the lock expired), writes the
 * audit row and queues its events on the outbox ({@code case.updated}, {@code case.completed}, {@code case.assigned};
 * ids and statuses only, never patient data). The cached state is dropped after the commit.
 */
@Service
public class CaseMoves {

    private static final String RESOURCE = "case";
    private static final String COMPONENT = "cases";

    private final TenantTransactions transactions;
    private final Cases cases;
    private final CaseStateMachine machine;
    private final CaseLocks locks;
    private final CaseStateCache states;
    private final AuditTrail audit;
    private final RaisedEvents events;
    private final ObjectMapper json;

    public CaseMoves(TenantTransactions transactions, Cases cases, CaseStateMachine machine, CaseLocks locks,
                     CaseStateCache states, AuditTrail audit, RaisedEvents events, ObjectMapper json) {
        this.transactions = transactions;
        this.cases = cases;
        this.machine = machine;
        this.locks = locks;
        this.states = states;
        this.audit = audit;
        this.events = events;
        this.json = json;
    }

    /** Who changes the case and from where, for the audit row. */
    public record Actor(UUID tenantId, String name, String ip, String userAgent) {
    }

    /**
     * Moves the case to {@code to}.
     *
     * @throws NotFound if the tenant has no such case
     * @throws TransitionRefused if the journey does not allow the move
     * @throws Conflict if another worker holds the case or its version is not {@code expectedVersion} (or changed
     *                  while this move ran)
     */
    public CaseSummary move(Actor actor, UUID caseId, CaseStatus to, String reason, Long expectedVersion) {
        return change(actor, caseId, (db, current) -> {
            var move = machine.decide(current.caseStatus(), to, reason);
            checkVersion(current, expectedVersion);
            var moved = update(db, current, "status = CAST(? AS case_status)", to.wire());
            var metadata = new HashMap<String, Object>(Map.of("from", move.from().wire(), "to", to.wire(),
                    "version", moved.version()));
            if (move instanceof CaseMove.Back back) {
                metadata.put("reason", back.reason());
            }
            audit.record(db, entry(actor, "case.moved", caseId, metadata));
            var data = data(moved).put("from", move.from().wire())
                    .put("direction", move instanceof CaseMove.Back ? "back" : "forward");
            events.raise(db, actor.tenantId(), COMPONENT, "case.updated", caseId.toString(), data);
            if (to == CaseStatus.COMPLETE) {
                events.raise(db, actor.tenantId(), COMPONENT, "case.completed", caseId.toString(), data(moved));
            }
            return moved;
        });
    }

    /** Assigns the case to one of the tenant's providers. @throws NotFound if the case or the provider is unknown */
    public CaseSummary assign(Actor actor, UUID caseId, UUID providerId, Long expectedVersion) {
        return change(actor, caseId, (db, current) -> {
            checkVersion(current, expectedVersion);
            var known = db.sql("SELECT count(*) FROM providers WHERE id = ?").param(providerId).query(Long.class).single();
            if (known == 0) {
                throw new NotFound("provider", providerId);
            }
            if (providerId.equals(current.providerId())) {
                return current;
            }
            var assigned = update(db, current, "provider_id = ?", providerId);
            audit.record(db, entry(actor, "case.assigned", caseId, Map.of("providerId", providerId.toString(),
                    "version", assigned.version())));
            var data = data(assigned);
            if (current.providerId() != null) {
                data.put("previousProviderId", current.providerId().toString());
            }
            events.raise(db, actor.tenantId(), COMPONENT, "case.assigned", caseId.toString(), data);
            return assigned;
        });
    }

    private interface Change {
        CaseSummary apply(JdbcClient db, CaseSummary current);
    }

    private CaseSummary change(Actor actor, UUID caseId, Change change) {
        // Another tenant's case is unknown here, before any lock: its lock must not tell that it exists.
        transactions.inTenant(actor.tenantId(), db -> cases.find(db, caseId)).orElseThrow(() -> new NotFound("case", caseId));
        try (var held = locks.acquire(caseId)) {
            var changed = transactions.inTenant(actor.tenantId(), db -> {
                var current = cases.find(db, caseId).orElseThrow(() -> new NotFound("case", caseId));
                return change.apply(db, current);
            });
            states.drop(caseId, changed.version());
            return changed;
        }
    }

    /** The optimistic check: the row changes only if it still has the version this change read. */
    private CaseSummary update(JdbcClient db, CaseSummary current, String assignment, Object value) {
        return db.sql("UPDATE cases SET " + assignment + ", version = version + 1, updated_at = now()"
                        + " WHERE id = ? AND version = ? RETURNING id")
                .params(value, current.id(), current.version()).query(UUID.class).optional()
                .flatMap(id -> cases.find(db, id))
                .orElseThrow(() -> new Conflict("expectedVersion",
                        "case " + current.id() + " changed while this change ran; read it again and retry"));
    }

    private static void checkVersion(CaseSummary current, Long expectedVersion) {
        if (expectedVersion != null && expectedVersion != current.version()) {
            throw new Conflict("expectedVersion", "case " + current.id() + " is at version " + current.version()
                    + ", not " + expectedVersion);
        }
    }

    private ObjectNode data(CaseSummary state) {
        var data = json.createObjectNode()
                .put("caseId", state.id().toString())
                .put("patientId", state.patientId().toString())
                .put("status", state.status())
                .put("priority", state.priority())
                .put("version", state.version());
        if (state.providerId() != null) {
            data.put("providerId", state.providerId().toString());
        }
        return data;
    }

    private static AuditEntry entry(Actor actor, String action, UUID caseId, Map<String, Object> metadata) {
        return new AuditEntry(actor.tenantId(), actor.name(), action, RESOURCE, caseId, actor.ip(), actor.userAgent(),
                true, metadata);
    }
}
