package com.healthtourism.hub.partners.doktor365;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.patients.PatientRecords;
import com.healthtourism.hub.patients.UnusablePartnerRecord;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * Reconciliation with Doktor365 ({@code routes/doktor365/doktor365-reconcile.yaml}): for each tenant with API credentials, the
 * cases Doktor365 changed since the tenant's checkpoint are read page by page and applied like webhooks (patient and
 * case upserted by Doktor365's ids, so what a webhook already applied changes nothing). The checkpoint lives in
 * PostgreSQL and moves only after a page is applied; one hub instance reconciles a tenant at a time (ShedLock).
 * Each case is applied through {@code routes/doktor365/doktor365-reconcile-case.yaml}: a case the hub cannot use
 * (no patient, an email another user has, …) waits in the approval queue and the run goes on; any other failure
 * ends the run and keeps the checkpoint.
 */
@Component("doktor365Reconciliation")
public class Doktor365Reconciliation {

    private static final Logger log = LoggerFactory.getLogger(Doktor365Reconciliation.class);
    private static final String CASE_ROUTE = "direct:doktor365-reconcile-case";

    private final TenantRepository tenants;
    private final TenantTransactions transactions;
    private final Doktor365 doktor365;
    private final PatientRecords records;
    private final ObjectMapper json;
    private final LockingTaskExecutor locks;
    private final Duration firstLookback;
    private final Duration lockAtMostFor;
    private final ProducerTemplate producer;
    private final int maxPages;

    public Doktor365Reconciliation(TenantRepository tenants, TenantTransactions transactions, Doktor365 doktor365,
                                   PatientRecords records, ObjectMapper json, LockProvider lockProvider,
                                   @Value("${hub.doktor365.reconcile-first-lookback}") Duration firstLookback,
                                   @Value("${hub.doktor365.reconcile-lock-at-most}") Duration lockAtMostFor,
                                   @Value("${hub.doktor365.reconcile-max-pages}") int maxPages,
                                   ProducerTemplate producer) {
        this.producer = producer;
        this.maxPages = maxPages;
        this.tenants = tenants;
        this.transactions = transactions;
        this.doktor365 = doktor365;
        this.records = records;
        this.json = json;
        this.locks = new DefaultLockingTaskExecutor(lockProvider);
        this.firstLookback = firstLookback;
        this.lockAtMostFor = lockAtMostFor;
    }

    /** The active tenants that gave the hub Doktor365 API credentials. */
    public List<UUID> tenants() {
        var withCredentials = new ArrayList<UUID>();
        for (var id : tenants.activeIds()) {
            var tenant = UUID.fromString(id);
            var configured = transactions.inTenant(tenant, db -> db.sql("""
                            SELECT count(*) FROM partner_sources
                            WHERE source = 'doktor365' AND enabled AND api_credentials IS NOT NULL""")
                    .query(Long.class).single()) > 0;
            if (configured) {
                withCredentials.add(tenant);
            }
        }
        return withCredentials;
    }

    /** Applies what Doktor365 changed since the tenant's checkpoint; on this instance only if no other is at it. */
    public void reconcile(UUID tenant) throws Throwable {
        var lock = new LockConfiguration(Instant.now(), "doktor365-reconcile-" + tenant, lockAtMostFor, Duration.ZERO);
        var result = locks.executeWithLock(() -> {
            run(tenant);
            return true;
        }, lock);
        if (!result.wasExecuted()) {
            log.debug("Doktor365 reconciliation of tenant {} runs elsewhere", tenant);
        }
    }

    /** external_refs.external_id holds at most this many characters. */
    private static final int MAX_EXTERNAL_ID = 200;

    private record Checkpoint(OffsetDateTime updatedSince, String cursor) {
    }

    private void run(UUID tenant) {
        var checkpoint = checkpoint(tenant).orElseGet(() ->
                new Checkpoint(OffsetDateTime.now(ZoneOffset.UTC).minus(firstLookback), null));
        var since = checkpoint.updatedSince();
        var newest = since;
        var cursor = checkpoint.cursor();
        var applied = 0;
        var parked = 0;
        var pages = 0;
        var cursors = new HashSet<String>();
        if (cursor != null) {
            cursors.add(cursor);
        }
        do {
            var page = doktor365.casePage(tenant, since.toInstant(), cursor);
            pages++;
            for (var partnerCase : page.path("data")) {
                if (applyOrPark(tenant, partnerCase)) {
                    applied++;
                } else {
                    parked++;
                }
                var updated = updatedAt(partnerCase);
                // a change time in the future (such a case was parked) would hold the checkpoint past every later change
                if (updated != null && updated.isAfter(newest) && !updated.isAfter(OffsetDateTime.now(ZoneOffset.UTC))) {
                    newest = updated;
                }
            }
            cursor = page.path("has_more").asBoolean(false) ? page.path("next_cursor").asText(null) : null;
            if (cursor != null && !cursors.add(cursor)) {
                // a cursor given before would page round in a circle for ever: the next run starts the window afresh
                save(tenant, new Checkpoint(since, null));
                log.warn("Doktor365 gave tenant {} a page cursor it gave before in this run; the run stops after {} pages"
                        + " and the next run reads the window again", tenant, pages);
                return;
            }
            // resume from the next page if a later page fails; the window stays until the last page is applied
            save(tenant, new Checkpoint(since, cursor));
            if (cursor != null && pages >= maxPages) {
                log.info("Doktor365 reconciliation of tenant {}: {} pages ({} cases applied, {} parked); the next run goes"
                        + " on from there", tenant, pages, applied, parked);
                return;
            }
        } while (cursor != null);
        save(tenant, new Checkpoint(newest, null));
        log.info("Doktor365 reconciliation of tenant {}: {} cases applied, {} parked for approval", tenant, applied, parked);
    }

    /** Applies one case through its route; false when the hub could not use it and it was parked for approval. */
    private boolean applyOrPark(UUID tenant, JsonNode partnerCase) {
        var result = producer.send(CASE_ROUTE, exchange -> {
            exchange.getMessage().setBody(partnerCase.toString());
            exchange.getMessage().setHeader(ApprovalQueue.TENANT, tenant.toString());
            exchange.getMessage().setHeader(ApprovalQueue.ORIGIN_KEY, "doktor365-case:" + partnerCase.path("id").asText()
                    + "@" + partnerCase.path("updated_at").asText());
        });
        if (result.getException() instanceof RuntimeException failure) {
            throw failure;
        }
        if (result.getException() != null) {
            throw new IllegalStateException(result.getException());
        }
        return result.getProperty(ApprovalQueue.PARKED_ITEM) == null;
    }

    /** One case as Doktor365's API gives it, applied like a webhook (route doktor365-reconcile-case, and its replays). */
    public void applyCase(@Header(ApprovalQueue.TENANT) String tenant, @Body String partnerCase) throws Exception {
        apply(UUID.fromString(tenant), json.readTree(partnerCase));
    }

    /** A case from Doktor365's API in the shape its webhooks carry, with its patient read from the API. */
    private void apply(UUID tenant, JsonNode partnerCase) {
        // what is wrong with this one case, and would be on every later run too, parks it (UnusablePartnerRecord):
        // the run goes on past it instead of failing at the same case for ever
        var caseId = partnerCase.path("id").asText("");
        if (caseId.isBlank() || caseId.length() > MAX_EXTERNAL_ID) {
            throw new UnusablePartnerRecord("the case has no usable id");
        }
        if (partnerCase.hasNonNull("updated_at") && updatedAt(partnerCase) == null) {
            throw new UnusablePartnerRecord("the case's updated_at is not a date-time");
        }
        // refused before its patient is read: such a case stays in every run's window (the checkpoint never passes now)
        var updated = updatedAt(partnerCase);
        if (updated != null) {
            PatientRecords.refuseFutureChange(updated, "case");
        }
        var patientId = partnerCase.path("patient_id").asText(null);
        UUID patient = null;
        if (patientId != null) {
            if (!Doktor365.isId(patientId)) {
                throw new UnusablePartnerRecord("the case's patient_id is not a Doktor365 id");
            }
            JsonNode partnerPatient;
            try {
                partnerPatient = doktor365.patient(tenant, patientId);
            } catch (Doktor365Rejected refused) {
                if (refused.status() == 404 || refused.status() == 410) {
                    throw new UnusablePartnerRecord("the case's patient is not found in Doktor365");
                }
                throw refused;
            }
            patient = records.upsertPatient(tenant, Doktor365Inbound.SOURCE, partnerPatient);
        }
        ObjectNode asWebhook = json.createObjectNode();
        asWebhook.put("case_id", partnerCase.path("id").asText());
        asWebhook.put("patient_id", patientId);
        asWebhook.put("stage", partnerCase.path("status").asText(null));
        asWebhook.put("status", partnerCase.path("status").asText(null));
        asWebhook.put("priority", partnerCase.path("priority").asText(null));
        asWebhook.put("notes", partnerCase.path("symptoms").asText(null));
        asWebhook.put("treatment", partnerCase.path("treatment").asText(null));
        asWebhook.put("updated_at", partnerCase.path("updated_at").asText(null));
        records.upsertCase(tenant, Doktor365Inbound.SOURCE, asWebhook, patient);
    }

    private Optional<Checkpoint> checkpoint(UUID tenant) {
        return transactions.inTenant(tenant, db -> db.sql(
                        "SELECT updated_since, cursor FROM doktor365_checkpoints WHERE tenant_id = ?")
                .param(tenant)
                .query((rs, n) -> new Checkpoint(rs.getObject(1, OffsetDateTime.class), rs.getString(2)))
                .optional());
    }

    private void save(UUID tenant, Checkpoint checkpoint) {
        transactions.inTenant(tenant, db -> db.sql("""
                        INSERT INTO doktor365_checkpoints (tenant_id, updated_since, cursor) VALUES (?, ?, ?)
                        ON CONFLICT (tenant_id) DO UPDATE
                        SET updated_since = EXCLUDED.updated_since, cursor = EXCLUDED.cursor, updated_at = now()""")
                .params(tenant, checkpoint.updatedSince(), checkpoint.cursor()).update());
    }

    /** The case's updated_at, or null when it has none or none that parses (such a case is parked). */
    private static OffsetDateTime updatedAt(JsonNode partnerCase) {
        var text = partnerCase.path("updated_at").asText(null);
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

}
