package com.healthtourism.hub.subscriptions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.signatures.StandardWebhooksScheme;
import com.healthtourism.hub.tenancy.TenantTransactions;

/**
 * What the outbound webhook routes call as {@code webhookSubscriptions}: which subscriptions want an event
 * ({@link #deliveries}) and how one delivery is addressed and signed ({@link #prepare}).
 */
@Component("webhookSubscriptions")
public class WebhookSubscriptions {

    public static final String SUBSCRIPTION = "hubSubscription";
    public static final String EVENT_ID = "hubEventId";
    public static final String EVENT_TYPE = "hubEventType";
    public static final String ACTIVE = "hubSubscriptionActive";
    public static final String TARGET_URL = "hubTargetUrl";

    private final TenantTransactions transactions;
    private final Subscriptions subscriptions;
    private final FieldCipher cipher;
    private final ObjectMapper json;
    private final Counter unroutable;

    public WebhookSubscriptions(TenantTransactions transactions, Subscriptions subscriptions, FieldCipher cipher,
                                ObjectMapper json, MeterRegistry meters) {
        this.transactions = transactions;
        this.subscriptions = subscriptions;
        this.cipher = cipher;
        this.json = json;
        this.unroutable = Counter.builder("hub.subscriptions.unroutable")
                .description("hub events with no readable tenant, type or id: delivered to no partner").register(meters);
    }

    /**
     * One message per active subscription of the event's tenant that wants its type; each carries the event's JSON
     * byte-exact and the headers the delivery (and a replay of it) needs: tenant, subscription, event id and type,
     * and {@code hubOriginKey} = subscription:event, the delivery's identity.
     */
    public List<Message> deliveries(Exchange exchange) {
        var body = exchange.getMessage().getBody(String.class);
        var event = parse(body);
        if (event == null) {
            unroutable.increment();
            return List.of();
        }
        var tenant = UUID.fromString(event.get("tenantid").asText());
        var type = event.get("type").asText();
        var id = event.get("id").asText();
        var wanted = transactions.inTenant(tenant, db -> subscriptions.active(db)).stream()
                .filter(subscription -> subscription.wants(type)).toList();
        return wanted.stream().map(subscription -> {
            Message message = new DefaultMessage(exchange.getContext());
            message.setBody(body);
            message.setHeader(ApprovalQueue.TENANT, tenant.toString());
            message.setHeader(SUBSCRIPTION, subscription.id().toString());
            message.setHeader(ApprovalQueue.ORIGIN_KEY, subscription.id() + ":" + id);
            message.setHeader(EVENT_ID, id);
            message.setHeader(EVENT_TYPE, type);
            return message;
        }).toList();
    }

    /**
     * Addresses and signs one delivery: {@code hubTargetUrl} and the Standard Webhooks headers over the exact body
     * ({@code webhook-id} is the event id). A subscription that is gone or inactive sets {@code hubSubscriptionActive}
     * false and nothing else.
     */
    public void prepare(Exchange exchange) {
        var message = exchange.getMessage();
        var tenant = UUID.fromString(message.getHeader(ApprovalQueue.TENANT, String.class));
        var subscriptionId = UUID.fromString(message.getHeader(SUBSCRIPTION, String.class));
        var subscription = transactions.inTenant(tenant, db -> subscriptions.byId(db, subscriptionId))
                .filter(Subscription::active);
        message.setHeader(ACTIVE, subscription.isPresent());
        if (subscription.isEmpty()) {
            return;
        }
        var secret = cipher.decryptString(subscription.get().encryptedSecret(),
                Subscription.secretContext(tenant, subscriptionId));
        var body = message.getBody(String.class).getBytes(StandardCharsets.UTF_8);
        var eventId = message.getHeader(EVENT_ID, String.class);
        StandardWebhooksScheme.headers(secret, eventId, Instant.now().getEpochSecond(), body).forEach(message::setHeader);
        // the partner gets exactly the bytes that were signed
        message.setBody(body);
        message.setHeader(TARGET_URL, subscription.get().url());
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private JsonNode parse(String body) {
        if (body == null) {
            return null;
        }
        try {
            var event = json.readTree(body);
            if (event == null || !event.hasNonNull("tenantid") || !event.hasNonNull("type") || !event.hasNonNull("id")) {
                return null;
            }
            UUID.fromString(event.get("tenantid").asText());
            return event;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return null;
        }
    }
}
