package com.healthtourism.hub.subscriptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.events.CloudEvents;
import com.healthtourism.hub.signatures.StandardWebhooksScheme;

/**
 * What the outbound webhook routes call: {@link #deliveries} fans a hub event out to the tenant's matching
 * subscriptions, {@link #prepare} reads a delivery's target and {@link #sign} signs each attempt as Standard
 * Webhooks just before it is sent.
 */
@Component("webhookSubscriptions")
public class WebhookSubscriptions {

    public static final String TENANT = ApprovalQueue.TENANT;
    public static final String SUBSCRIPTION = "hubSubscription";
    public static final String ORIGIN_KEY = ApprovalQueue.ORIGIN_KEY;
    public static final String EVENT_ID = "hubEventId";
    public static final String EVENT_TYPE = "hubEventType";
    /** Header {@link #prepare} sets: whether the delivery is to be attempted at all. */
    public static final String DELIVER = "hubDeliver";
    /** The route whose deliveries this bean prepares: its dead letters are the approval items of deliveries. */
    static final String DELIVERY_ROUTE = "partner-webhook-delivery";
    public static final String TARGET_URL = "hubTargetUrl";
    /** Exchange property: the subscription's URL and secret as {@link #prepare} read them (never a header). */
    static final String TARGET = "partnerTarget";
    /** Exchange property: the event id a delivery is signed with (the hub's headers are gone by then). */
    static final String SIGNED_EVENT_ID = "partnerEventId";

    private static final String UNROUTABLE = "hub.subscriptions.unroutable";
    private static final String DENIED = "hub.subscriptions.denied-skipped";

    private final Subscriptions subscriptions;
    private final CloudEvents cloudEvents;
    private final Clock clock;
    private final MeterRegistry meters;
    private final ApprovalQueue approvals;

    public WebhookSubscriptions(Subscriptions subscriptions, CloudEvents cloudEvents, Clock clock, MeterRegistry meters,
                                ApprovalQueue approvals) {
        this.subscriptions = subscriptions;
        this.approvals = approvals;
        this.cloudEvents = cloudEvents;
        this.clock = clock;
        this.meters = meters;
    }

    /**
     * One new message per active subscription of the event's tenant that wants its type, each carrying the
     * event exactly as received; an event that names no known tenant, or is no event, goes nowhere and is counted.
     */
    public List<Message> deliveries(Exchange exchange) {
        var body = exchange.getIn().getBody(String.class);
        var event = cloudEvents.consumed(body);
        if (event.isEmpty()) {
            return unroutable("not-json");
        }
        var tenant = uuid(text(event.get(), "tenantid"));
        var id = text(event.get(), "id");
        var type = text(event.get(), "type");
        if (tenant == null) {
            return unroutable("no-tenant");
        }
        if (id == null || type == null) {
            return unroutable("no-id-or-type");
        }
        var active = subscriptions.activeOfTenant(tenant);
        if (active.isEmpty()) {
            return unroutable("unknown-tenant");
        }
        return active.get().stream().filter(subscription -> subscription.wants(type))
                .map(subscription -> {
                    var message = ApprovalQueue.parkable(exchange.getContext(), body, tenant, subscription.id() + ":" + id);
                    message.setHeader(SUBSCRIPTION, subscription.id().toString());
                    message.setHeader(EVENT_ID, id);
                    message.setHeader(EVENT_TYPE, type);
                    return message;
                })
                .toList();
    }

    /**
     * Reads the subscription's target afresh: sets the target URL (and keeps URL and secret for {@link #sign}), or
     * only {@code hubDeliver=false} when the subscription or its tenant is gone or inactive, or when an operator
     * denied this delivery's approval item (the fan-out's Kafka record consumed once more, after a rebalance, must
     * not deliver what ops refused). A granted replay for an inactive subscription fails instead
     * ({@link SubscriptionInactive}): nothing can be delivered, and the item must not pass for replayed.
     */
    public void prepare(Exchange exchange) {
        var in = exchange.getIn();
        var tenant = uuid(in.getHeader(TENANT, String.class));
        var subscription = uuid(in.getHeader(SUBSCRIPTION, String.class));
        var target = tenant == null || subscription == null ? Optional.<Subscriptions.Target>empty()
                : subscriptions.activeTarget(tenant, subscription);
        var replay = exchange.getProperty(ApprovalQueue.REPLAY_OF) != null;
        if (target.isEmpty()) {
            if (replay) {
                throw new SubscriptionInactive(in.getHeader(SUBSCRIPTION, String.class));
            }
            in.setHeader(DELIVER, Boolean.FALSE);
            return;
        }
        var originKey = in.getHeader(ORIGIN_KEY, String.class);
        if (!replay && originKey != null && approvals.denied(tenant, DELIVERY_ROUTE, originKey)) {
            Counter.builder(DENIED).description("partner deliveries not attempted: ops denied their approval item")
                    .register(meters).increment();
            in.setHeader(DELIVER, Boolean.FALSE);
            return;
        }
        in.setHeader(DELIVER, Boolean.TRUE);
        in.setHeader(TARGET_URL, target.get().url());
        in.setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.setProperty(TARGET, target.get());
        exchange.setProperty(SIGNED_EVENT_ID, in.getHeader(EVENT_ID, String.class));
    }

    /**
     * Before each attempt: the Standard Webhooks headers over the body's exact UTF-8 bytes, with the attempt's own
     * timestamp, so a retry minutes after the first attempt is not stale to the partner.
     */
    public void sign(Exchange exchange) {
        var target = exchange.getProperty(TARGET, Subscriptions.Target.class);
        var eventId = exchange.getProperty(SIGNED_EVENT_ID, String.class);
        if (target == null || eventId == null) {
            throw new IllegalStateException("the delivery was not prepared");
        }
        var in = exchange.getIn();
        var body = in.getBody(String.class);
        var bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StandardWebhooksScheme.headers(target.secret(), eventId, clock.instant().getEpochSecond(), bytes)
                .forEach(in::setHeader);
    }

    /**
     * The HTTP endpoint a partner URL is called through: its scheme, host and port only. The whole URL goes in the
     * CamelHttpUri header, so nothing in its query is ever read as a Camel option (a partner URL ending in
     * ?throwExceptionOnFailure=false would otherwise turn every failed delivery into a success).
     */
    public String endpoint(@ExchangeProperty(ApprovalQueue.CALLED_URL) String url) {
        var uri = URI.create(url);
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost()
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private List<Message> unroutable(String reason) {
        Counter.builder(UNROUTABLE).description("hub events that reached no subscription lookup")
                .tag("reason", reason).register(meters).increment();
        return List.of();
    }

    private static String text(JsonNode event, String field) {
        var value = event.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static UUID uuid(String value) {
        if (value == null || value.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
