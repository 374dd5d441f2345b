package com.healthtourism.hub.webhooks;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One webhook delivery as it moves through the intake route: what the partner sent, what the
 * checks learned about it, and how it ended. Lives for one request only.
 */
public final class Delivery {

    private final UUID tenantId;
    private final String source;
    private final String clientIp;
    private final Map<String, String> headers;
    private final byte[] rawBody;
    private final Instant receivedAt;
    private PartnerSource partnerSource;
    private RateLimitStatus rateLimit = RateLimitStatus.UNKNOWN;
    private JsonNode body;
    private EventIdentity.Identity identity;
    private UUID messageId;
    private boolean duplicate;

    public Delivery(UUID tenantId, String source, String clientIp, Map<String, String> headers, byte[] rawBody,
                    Instant receivedAt) {
        this.tenantId = tenantId;
        this.source = source;
        this.clientIp = clientIp;
        this.headers = headers;
        this.rawBody = rawBody;
        this.receivedAt = receivedAt;
    }

    public UUID tenantId() {
        return tenantId;
    }

    public String source() {
        return source;
    }

    public String clientIp() {
        return clientIp;
    }

    /** Request headers with lower-case names. */
    public Map<String, String> headers() {
        return headers;
    }

    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }

    public byte[] rawBody() {
        return rawBody;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public PartnerSource partnerSource() {
        return partnerSource;
    }

    void partnerSource(PartnerSource partnerSource) {
        this.partnerSource = partnerSource;
    }

    public RateLimitStatus rateLimit() {
        return rateLimit;
    }

    void rateLimit(RateLimitStatus rateLimit) {
        this.rateLimit = rateLimit;
    }

    public JsonNode body() {
        return body;
    }

    void body(JsonNode body) {
        this.body = body;
    }

    public EventIdentity.Identity identity() {
        return identity;
    }

    void identity(EventIdentity.Identity identity) {
        this.identity = identity;
    }

    public UUID messageId() {
        return messageId;
    }

    public boolean duplicate() {
        return duplicate;
    }

    /** The delivery's message: a new one, or the first delivery's when this one repeats it. */
    void stored(UUID messageId, boolean duplicate) {
        this.messageId = messageId;
        this.duplicate = duplicate;
    }

    @Override
    public String toString() {
        return "Delivery[" + tenantId + "/" + source + ", message=" + messageId + "]";
    }
}
