package com.healthtourism.hub.outbox;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.FailureSummary;
import com.healthtourism.hub.crypto.CipherFailure;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.events.CloudEvents;
import com.healthtourism.hub.events.EventMappings;
import com.healthtourism.hub.events.MappingFailure;
import com.healthtourism.hub.events.OutgoingEvent;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.DurableInbox;
import com.healthtourism.hub.webhooks.InboundMessageSearch;
import com.healthtourism.hub.webhooks.InboundMessages;
import com.healthtourism.hub.webhooks.Payloads;
import com.healthtourism.hub.webhooks.WebhookRejected;

/**
 * The outbox relay's database side, called from the {@code routes/outbox-*.yaml} routes as {@code outboxRelay}: claims
 * due rows with a lease, decrypts their message bodies, and settles each row as published, unmapped or failed, or
 * holds it back after a failed publish.
 *
 * <p>Order: a tenant's rows are claimed only up to its first row that is not due (leased by a relay that is still
 * working on it, or held back after a failed publish), and one relay at a time claims a tenant's rows. So events
 * keep the order in which their messages were stored, per tenant and therefore per aggregate, while Kafka is away.
 */
@Component("outboxRelay")
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** Exchange property: the resource of the row's mapping file, set by {@link #prepare} when one is to be applied. */
    private static final String MAPPING = "outboxMapping";
    private static final String UNMAPPED = "unmapped";

    // The head of the tenant's queue, read in id order over (tenant_id, id) and no further than the batch: its rows
    // up to the first one not due (leased by a relay still at work, or held back after a failed publish) are claimed.
    // So a claim costs the same whatever the backlog behind it. One claimer per tenant holds the advisory lock, so no
    // other claimer waits on these rows. The message row is only read: its attempts are counted when the claim ends
    // (settled or postponed), so a claim writes no new version of it (with its five indexes). Due by the statement's
    // time, not the transaction's (now()): a row the intake committed after this transaction began, in a transaction
    // that began later, has an available_at after now() and would end the claim short of a full batch, as if the
    // relay had caught up with a backlog behind it (see YieldToIntake).
    static final String CLAIM = """
            WITH head AS (
                SELECT id, bool_and(available_at <= statement_timestamp()) OVER (ORDER BY id) AS due
                FROM outbox WHERE tenant_id = ? ORDER BY id LIMIT ?
            ), claimed AS (
                UPDATE outbox o SET available_at = now() + make_interval(secs => ?), attempts = o.attempts + 1
                FROM head WHERE o.id = head.id AND head.due
                RETURNING o.id, o.message_id, o.attempts, o.event_topic, o.event_key, o.event_id, o.event_type, o.event_json
            )
            SELECT c.id AS outbox_id, c.message_id, c.attempts, m.source, m.event_type, m.received_at, m.body,
                   m.headers ->> 'content-type' AS content_type,
                   c.event_topic, c.event_key, c.event_id, c.event_type AS ready_type, c.event_json
            FROM claimed c LEFT JOIN inbound_messages m ON m.tenant_id = ? AND m.id = c.message_id
            ORDER BY c.id""";

    // Changes no indexed column, so each row's new version stays on its page (a HOT update, see V18).
    static final String PUBLISHED = """
            UPDATE inbound_messages SET status = 'published', error = NULL, published_at = now(), attempts = attempts + 1
            WHERE id = ANY(?)""";

    private final TenantTransactions transactions;
    private final FieldCipher cipher;
    private final OutboxProperties properties;
    private final MeterRegistry meters;
    private final InboundMessageSearch messages;
    private final EventMappings mappings;
    private final CloudEvents cloudEvents;
    private final Payloads payloads;
    private final ObjectMapper json;
    private final DurableInbox inbox;
    private final YieldToIntake yieldToIntake;

    public OutboxRelay(TenantTransactions transactions, FieldCipher cipher, OutboxProperties properties, MeterRegistry meters,
                       InboundMessageSearch messages, EventMappings mappings, CloudEvents cloudEvents, Payloads payloads,
                       ObjectMapper json, DurableInbox inbox) {
        this.transactions = transactions;
        this.inbox = inbox;
        this.yieldToIntake = new YieldToIntake(properties.yieldMax(), System::nanoTime,
                Counter.builder("hub.outbox.yields")
                        .description("polls after which the relay left its backlog to the next poll: the intake was at full load")
                        .register(meters));
        this.payloads = payloads;
        this.json = json;
        this.mappings = mappings;
        this.cloudEvents = cloudEvents;
        this.messages = messages;
        this.cipher = cipher;
        this.properties = properties;
        this.meters = meters;
    }

    /** Claims the due rows of the tenants with work due, each tenant in its own transaction. */
    public OutboxBatch claim() {
        var tenants = transactions.withoutTenant(db -> db.sql("SELECT tenant_id FROM outbox_tenants_due(?)")
                .param(properties.maxTenants()).query(UUID.class).list());
        var batches = new ArrayList<TenantBatch>();
        var limitReached = tenants.size() >= properties.maxTenants();
        for (var tenant : tenants) {
            var entries = claim(tenant);
            if (!entries.isEmpty()) {
                batches.add(new TenantBatch(tenant, entries));
            }
            limitReached |= entries.size() >= properties.batchSize();
        }
        // nothing claimed (every due tenant held back) is never "full": the relay waits for the timer
        return new OutboxBatch(List.copyOf(batches), limitReached && !batches.isEmpty());
    }

    /**
     * Whether to claim again at once after this claim: when it was full (more is due), unless the webhook intake is at
     * full load, in which case the rest waits for the next poll, for a bounded time ({@link YieldToIntake}).
     */
    public boolean more(@Body OutboxBatch batch) {
        return yieldToIntake.claimAgain(batch.full(), inbox.atFullLoad());
    }

    private List<OutboxEntry> claim(UUID tenant) {
        return transactions.inTenantPlannedAfresh(tenant, db -> {
            // one claimer per tenant at a time (released at commit), so two relays cannot interleave its rows
            var mine = db.sql("SELECT pg_try_advisory_xact_lock(hashtext('outbox-claim'), hashtext(?))")
                    .param(tenant.toString()).query(Boolean.class).single();
            if (!mine) {
                return List.of();
            }
            return db.sql(CLAIM)
                    .params(tenant, properties.batchSize(), properties.lease().toMillis() / 1000.0, tenant)
                    .query((rs, n) -> new OutboxEntry(rs.getLong("outbox_id"), tenant, rs.getObject("message_id", UUID.class),
                            rs.getString("source"), rs.getString("event_type"),
                            rs.getObject("received_at", OffsetDateTime.class), rs.getInt("attempts"), rs.getBytes("body"),
                            rs.getString("content_type"), readyEvent(rs)))
                    .list();
        });
    }

    /** A row the hub wrote with its event complete (approval.*), or null for an inbound message still to be mapped. */
    private static OutgoingEvent readyEvent(ResultSet rs) throws SQLException {
        var json = rs.getString("event_json");
        return json == null ? null : new OutgoingEvent(rs.getString("event_topic"), rs.getString("event_key"),
                rs.getString("event_id"), rs.getString("ready_type"), json);
    }

    // The outbox-map route calls the methods below once per row with the row bound by annotation, not by a simple
    // expression calling the record's accessors, which costs a bean lookup per call on the relay's busiest path; and
    // as few of them as the flow allows, since every step costs Camel's own work per row.

    /**
     * What the row needs: an event the hub raised itself is complete already (outcome {@code mapped}, the body its
     * event); a partner message whose event type has no mapping is settled as {@code unmapped}; any other's body becomes
     * the message's JSON and the property {@code outboxMapping} the resource of its mapping, which outbox-map applies.
     */
    public void prepare(@Body OutboxEntry entry, Exchange exchange) throws JsonProcessingException {
        // the row stays at hand for every later step, its error handler and the batch's aggregation
        exchange.setProperty(OutboxPublications.ENTRY, entry);
        exchange.removeProperty(MAPPING);
        if (entry.ready() != null) {
            exchange.setProperty(OutboxPublications.OUTCOME, OutboxPublications.MAPPED);
            exchange.getMessage().setBody(fitsKafka(entry.ready()));
            return;
        }
        var mapping = mappings.resourceUri(entry.source(), entry.eventType());
        if (mapping == null) {
            exchange.setProperty(OutboxPublications.OUTCOME, UNMAPPED);
            unmapped(entry);
            return;
        }
        exchange.getMessage().setBody(body(entry));
        exchange.setProperty(MAPPING, mapping);
    }

    /**
     * The mapping's output as the hub's CloudEvent for the row's message (outcome {@code mapped}), or, when it yields
     * no event (null, nothing), the row settled as {@code unmapped}.
     */
    public void mapped(@ExchangeProperty(OutboxPublications.ENTRY) OutboxEntry entry, @Body JsonNode mappingOutput,
                       Exchange exchange) {
        if (cloudEvents.yieldsEvent(mappingOutput)) {
            var event = fitsKafka(cloudEvents.build(entry.origin(), mappingOutput));
            exchange.setProperty(OutboxPublications.OUTCOME, OutboxPublications.MAPPED);
            exchange.getMessage().setBody(event);
        } else {
            exchange.setProperty(OutboxPublications.OUTCOME, UNMAPPED);
            unmapped(entry);
        }
    }

    /**
     * The event, if Kafka can take it: a longer one would fail its tenant's batch for good, again on every retry,
     * and hold back every later event of the tenant (MappingFailure: it is parked for ops instead).
     */
    OutgoingEvent fitsKafka(OutgoingEvent event) {
        var json = event.json();
        // at most 3 bytes per UTF-16 unit: counted exactly only when it might be too long
        if ((long) json.length() * 3 > properties.maxEventBytes()
                && json.getBytes(StandardCharsets.UTF_8).length > properties.maxEventBytes()) {
            throw new MappingFailure("the event is longer than Kafka takes (hub.outbox.max-event-bytes "
                    + properties.maxEventBytes() + ")");
        }
        return event;
    }

    /**
     * The message's body as its mapping reads it: the JSON the partner sent, or a form body's fields as a JSON object
     * (read as the intake read them). A form that no longer parses fails the mapping like JSON that does not.
     */
    String body(OutboxEntry entry) throws JsonProcessingException {
        var context = InboundMessages.bodyContext(entry.tenantId(), entry.messageId());
        var raw = cipher.decrypt(entry.encryptedBody(), context);
        if (Payloads.isForm(entry.contentType())) {
            try {
                return json.writeValueAsString(payloads.read(entry.contentType(), raw));
            } catch (WebhookRejected malformed) {
                throw new JsonParseException(null, "the stored form body does not parse");
            }
        }
        // a UTF-8 byte order mark, which the intake's JSON parser skips, is no part of the JSON
        var bom = raw.length >= 3 && raw[0] == (byte) 0xEF && raw[1] == (byte) 0xBB && raw[2] == (byte) 0xBF ? 3 : 0;
        return new String(raw, bom, raw.length - bom, StandardCharsets.UTF_8);
    }

    /**
     * What the approval queue keeps of a message whose mapping failed: its raw body, or, when that cannot be decrypted
     * (the failure itself may be that), the stored ciphertext as it is, so the message still leaves the outbox.
     */
    public byte[] original(OutboxEntry entry) {
        if (entry.ready() != null) {
            // an event the hub raised itself has no partner message: the event is what waits
            return entry.ready().json().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return cipher.decrypt(entry.encryptedBody(), InboundMessages.bodyContext(entry.tenantId(), entry.messageId()));
        } catch (CipherFailure undecryptable) {
            return entry.encryptedBody();
        }
    }

    /** Kafka has these events (a tenant's batch): their rows leave the outbox, in one transaction. */
    public void published(List<Publication> publications) {
        if (publications.isEmpty()) {
            return;
        }
        var tenant = publications.get(0).entry().tenantId();
        var rows = publications.stream().map(p -> p.entry().outboxId()).toArray(Long[]::new);
        var messages = publications.stream().map(p -> p.entry().messageId()).filter(Objects::nonNull).toArray(UUID[]::new);
        transactions.inTenantPlannedAfresh(tenant, db -> {
            db.sql("DELETE FROM outbox WHERE id = ANY(?)").param(rows).update();
            return messages.length == 0 ? 0 : db.sql(PUBLISHED).param(messages).update();
        });
    }

    /**
     * The batch as Kafka records, in order: each on topic hub.&lt;family&gt; keyed tenant:subject (so an aggregate's
     * events keep their order), with its CloudEvents id and type as headers.
     */
    public List<Message> records(List<Publication> publications, Exchange exchange) {
        var records = new ArrayList<Message>(publications.size());
        for (var publication : publications) {
            var event = publication.event();
            var record = new DefaultMessage(exchange.getContext());
            record.setHeader(KafkaConstants.OVERRIDE_TOPIC, event.topic());
            record.setHeader(KafkaConstants.KEY, event.key());
            record.setHeader("ce_id", event.id());
            record.setHeader("ce_type", event.type());
            record.setHeader("content-type", "application/cloudevents+json");
            record.setBody(event.json());
            records.add(record);
        }
        return records;
    }

    /** No mapping for its event type (or the mapping yields no event for it): nothing to publish. */
    void unmapped(OutboxEntry entry) {
        settle(entry, UNMAPPED, null);
        Counter.builder("hub.webhooks.unmapped").description("inbound messages with no hub event")
                .tag("source", entry.source()).register(meters).increment();
    }

    /**
     * Its mapping failed after its retries: the row leaves the outbox and the message is 'failed'. The outbox-map
     * route has parked it in the approval queue first, where a grant requeues it ({@link #requeue}).
     */
    public void failed(OutboxEntry entry, Exception error) {
        var reason = describe(error);
        settle(entry, "failed", reason);
        // an event the hub raised itself (too long for Kafka) has no partner source
        Counter.builder("hub.webhooks.failed").description("inbound messages whose mapping failed")
                .tag("source", entry.source() == null ? "hub" : entry.source()).register(meters).increment();
        log.warn("message {} of tenant {} ({} {}) failed: {}", entry.messageId(), entry.tenantId(), entry.source(),
                entry.eventType(), reason);
    }

    /**
     * Queues a message on the outbox again (status back to accepted), so the relay maps and publishes it anew: where
     * a granted approval item of a failed mapping is replayed to.
     */
    public void requeue(UUID tenantId, UUID messageId) {
        var queued = transactions.inTenant(tenantId, db -> messages.replay(db, tenantId, messageId));
        if (queued.isEmpty()) {
            throw new IllegalStateException("message " + messageId + " of tenant " + tenantId + " is gone");
        }
    }

    /**
     * Publishing failed: the tenant's rows of this batch that are still in the outbox wait for the backoff of the
     * most-tried one, and stay in order behind it.
     */
    public void postpone(TenantBatch batch, Exception error) {
        var attempts = batch.entries().stream().mapToInt(OutboxEntry::attempts).max().orElse(1);
        var backoff = properties.backoff(attempts);
        var ids = batch.entries().stream().map(OutboxEntry::outboxId).toArray(Long[]::new);
        var reason = describe(error);
        // the rows still in the outbox wait; their messages count the attempt (rows settled on the way counted theirs)
        transactions.inTenantPlannedAfresh(batch.tenantId(), db -> db.sql("""
                        WITH held AS (
                            UPDATE outbox SET available_at = now() + make_interval(secs => ?), last_error = ?
                            WHERE id = ANY(?) RETURNING message_id)
                        UPDATE inbound_messages m SET attempts = m.attempts + 1 FROM held WHERE m.id = held.message_id""")
                .params(backoff.toMillis() / 1000.0, reason, ids).update());
        log.warn("publishing for tenant {} failed (attempt {}), retrying in {}: {}", batch.tenantId(), attempts, backoff, reason);
    }

    private void settle(OutboxEntry entry, String status, String error) {
        transactions.inTenantPlannedAfresh(entry.tenantId(), db -> {
            db.sql("DELETE FROM outbox WHERE id = ?").param(entry.outboxId()).update();
            if (entry.messageId() == null) {
                return 0;
            }
            return db.sql("""
                            UPDATE inbound_messages SET status = CAST(? AS inbound_message_status), error = ?,
                                attempts = attempts + 1
                            WHERE id = ?""")
                    .params(status, error, entry.messageId()).update();
        });
    }

    /** A short reason without PII (see {@link FailureSummary}). */
    static String describe(Throwable error) {
        return FailureSummary.of(error).message();
    }
}
