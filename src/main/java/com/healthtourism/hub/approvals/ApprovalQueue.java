package com.healthtourism.hub.approvals;

import java.util.Locale;
import java.util.TreeMap;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.util.URISupport;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.outbox.RaisedEvents;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.StoredHeaders;

/**
 * The dead-letter channel's one step ({@code routes/approvals/dead-letter.yaml}): parks the original message of an exchange
 * that failed for good as a pending approval item. The body is stored byte-exact and encrypted, with the headers a
 * replay needs (never credentials); the item and its {@code approval.required} event commit together. A message
 * that fails again (a failed replay, a redelivery) updates its item: higher attempt count, new error, pending again;
 * except an item an operator denied: a denial is final, and the message failing again (a Kafka record consumed once
 * more) is dropped again, its item left as the operator decided.
 *
 * <p>Whatever goes wrong here is thrown: the dead letter channel does not handle new exceptions, so the failing
 * route's consumer does not acknowledge the message and it is retried from where it was.
 */
@Component("approvalQueue")
public class ApprovalQueue {

    /** The longest failed endpoint an item keeps (approval_items.endpoint). */
    static final int MAX_ENDPOINT = 1000;

    /** Header a route sets to the tenant of the message; every dead-lettered exchange must carry it. */
    public static final String TENANT = "hubTenant";
    /** Header with the message's own identity (event id, delivery key); without it the body's hash is used. */
    public static final String ORIGIN_KEY = "hubOriginKey";
    /**
     * Exchange property a route sets when a replay must enter somewhere else than its own entry: the outbox's
     * mapping route is replayed by queueing the message on the outbox again.
     */
    public static final String REPLAY_ENTRY = "hubReplayEntry";
    /**
     * Exchange property: the URL a route calls, shown (without query and user info) as the failed endpoint instead of
     * Camel's, which names only the host when the URL goes in CamelHttpUri (outbound webhooks).
     */
    public static final String CALLED_URL = "hubCalledUrl";
    /** Exchange property set once the message is parked: the approval item's id. */
    public static final String PARKED_ITEM = "hubApprovalItem";
    /** Exchange property of a granted replay, set by ops' decision before the message re-enters its route: the item's id. */
    public static final String REPLAY_OF = "hubApprovalReplayOf";

    private static final Logger log = LoggerFactory.getLogger(ApprovalQueue.class);
    private static final String UPSERT = """
            INSERT INTO approval_items (id, tenant_id, route_id, entry_uri, endpoint, origin_key, body, headers,
                                        error_type, error_message)
            VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)
            ON CONFLICT (tenant_id, route_id, origin_key) DO UPDATE
            SET attempts = approval_items.attempts + 1, last_failed_at = now(), status = 'pending',
                error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message, endpoint = EXCLUDED.endpoint,
                decided_by = NULL, decided_at = NULL, reason = NULL
            WHERE approval_items.status <> 'denied'
            RETURNING id, attempts""";
    private static final String DENIED = """
            SELECT id FROM approval_items
            WHERE tenant_id = ? AND route_id = ? AND origin_key = ? AND status = 'denied'""";

    private final TenantTransactions transactions;
    private final FieldCipher cipher;
    private final RaisedEvents events;
    private final ApprovalIndex index;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public ApprovalQueue(TenantTransactions transactions, FieldCipher cipher, RaisedEvents events, ApprovalIndex index,
                         ObjectMapper json, MeterRegistry meters) {
        this.transactions = transactions;
        this.cipher = cipher;
        this.events = events;
        this.index = index;
        this.json = json;
        this.meters = meters;
    }

    private record Parked(UUID id, int attempts, boolean denied) {
    }

    /** Parks the exchange's (original) message; sets {@link #PARKED_ITEM} and returns the item id. */
    public UUID park(Exchange exchange) throws InvalidPayloadException {
        var tenant = tenantOf(exchange);
        var routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        if (routeId == null) {
            routeId = exchange.getFromRouteId();
        }
        var route = exchange.getContext().getRoute(routeId);
        if (route == null) {
            throw new IllegalStateException("dead letter from an unknown route " + routeId);
        }
        var entry = exchange.getProperty(REPLAY_ENTRY, String.class);
        var entryUri = URISupport.sanitizeUri(entry != null ? entry : route.getEndpoint().getEndpointUri());
        var failedEndpoint = exchange.getProperty(CALLED_URL, exchange.getProperty(Exchange.FAILURE_ENDPOINT, String.class),
                String.class);
        var error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        var summary = error == null ? new FailureSummary("unknown", "failed without an exception")
                : FailureSummary.of(error);
        var body = exchange.getMessage().getMandatoryBody(byte[].class);
        var originKey = exchange.getMessage().getHeader(ORIGIN_KEY, String.class);
        if (originKey == null || originKey.isBlank()) {
            originKey = "sha256:" + DigestUtils.sha256Hex(body);
        }
        var headers = headersJson(exchange);
        var id = UUID.randomUUID();
        var finalRouteId = routeId;
        var finalOriginKey = originKey;
        var parked = transactions.inTenant(tenant, db -> {
            var upserted = db.sql(UPSERT)
                    .params(id, tenant, finalRouteId, entryUri,
                            failedEndpoint == null ? null : shown(failedEndpoint), finalOriginKey,
                            cipher.encrypt(body, ApprovalItems.bodyContext(tenant, id)), headers,
                            summary.type(), summary.message())
                    .query((rs, n) -> new Parked(rs.getObject("id", UUID.class), rs.getInt("attempts"), false)).optional();
            if (upserted.isEmpty()) {
                // the item exists and was denied: nothing is reopened, nothing announced
                var denied = db.sql(DENIED).params(tenant, finalRouteId, finalOriginKey).query(UUID.class).single();
                return new Parked(denied, 0, true);
            }
            var row = upserted.get();
            // an item that failed before keeps its id and its body, encrypted under that id: the message is the same
            var data = json.createObjectNode()
                    .put("itemId", row.id().toString())
                    .put("routeId", finalRouteId)
                    .put("errorType", summary.type())
                    .put("attempts", row.attempts());
            events.raise(db, tenant, "approvals", "approval.required", row.id().toString(), data);
            return row;
        });
        if (parked.denied()) {
            Counter.builder("hub.approvals.denied.dropped")
                    .description("messages that failed again after an operator denied their approval item, dropped again")
                    .tag("route", routeId).register(meters).increment();
            log.info("route {}: a message of tenant {} failed again after its approval item {} was denied; dropped again",
                    routeId, tenant, parked.id());
            exchange.setProperty(PARKED_ITEM, parked.id());
            return parked.id();
        }
        index.pending(tenant, parked.id());
        Counter.builder("hub.approvals.parked").description("messages parked in the approval queue")
                .tag("route", routeId).register(meters).increment();
        log.warn("route {} parked a message of tenant {} as approval item {} (attempt {}): {}", routeId, tenant,
                parked.id(), parked.attempts(), summary.message());
        exchange.setProperty(PARKED_ITEM, parked.id());
        return parked.id();
    }

    /**
     * The failed endpoint as ops see it: without its query and user info, which may hold a partner's token (a
     * partner URL such as https://partner.example/hook?code=...), not only the options Camel knows to be secret.
     */
    static String shown(String endpoint) {
        var sanitized = URISupport.sanitizeUri(endpoint);
        var query = sanitized.indexOf('?');
        var withoutQuery = query < 0 ? sanitized : sanitized.substring(0, query);
        var shown = withoutQuery.replaceFirst("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@", "$1");
        // cut to what approval_items.endpoint holds: a longer partner URL must not make the message impossible to park
        return shown.length() <= MAX_ENDPOINT ? shown : shown.substring(0, MAX_ENDPOINT - 1) + "\u2026";
    }

    /**
     * Whether an operator denied the approval item of this message of the route: a route that may receive a message
     * again (a Kafka record consumed once more) asks before it acts on it, so a denial is honoured.
     */
    public boolean denied(UUID tenant, String routeId, String originKey) {
        return transactions.inTenant(tenant, db -> db.sql(DENIED).params(tenant, routeId, originKey)
                .query(UUID.class).optional().isPresent());
    }

    /**
     * A message of its own for a route that dead-letters with {@code useOriginalMessage}: split out of what a consumer
     * received, it starts its own unit of work, so it (body and these headers) is the original the dead-letter
     * channel parks, and the original a grant replays.
     */
    public static Message parkable(CamelContext context, String body, UUID tenant, String originKey) {
        Message message = new DefaultMessage(context);
        message.setBody(body);
        message.setHeader(TENANT, tenant.toString());
        message.setHeader(ORIGIN_KEY, originKey);
        return message;
    }

    private static UUID tenantOf(Exchange exchange) {
        var tenant = exchange.getMessage().getHeader(TENANT, String.class);
        if (tenant == null) {
            throw new IllegalStateException("a dead-lettered exchange carries no " + TENANT + " header");
        }
        return UUID.fromString(tenant);
    }

    /** The headers a replay needs: simple values only, never a credential or Camel's own. */
    private String headersJson(Exchange exchange) {
        var kept = new TreeMap<String, String>();
        exchange.getMessage().getHeaders().forEach((name, value) -> {
            if (keep(name, value)) {
                kept.put(name, value.toString());
            }
        });
        try {
            return json.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode headers", e);
        }
    }

    static boolean keep(String name, Object value) {
        if (value == null || !(value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof UUID)) {
            return false;
        }
        var lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("camel") || lower.startsWith("kafka.") || lower.equals("webhook-id")
                || lower.equals("webhook-timestamp")) {
            return false;
        }
        return !StoredHeaders.isCredential(lower);
    }
}
