package com.healthtourism.hub.webhooks;

import java.util.Map;

import org.springframework.http.HttpStatus;

import com.healthtourism.hub.problems.ProblemException;

/** A delivery the intake refuses, with the status and headers of its problem+json answer. */
public class WebhookRejected extends ProblemException {

    private final Map<String, String> headers;

    public WebhookRejected(HttpStatus status, String detail) {
        this(status, detail, Map.of());
    }

    public WebhookRejected(HttpStatus status, String detail, Map<String, String> headers) {
        super(status, null, detail);
        this.headers = Map.copyOf(headers);
    }

    /** One answer for an unknown tenant, an unknown source and an inactive one: nothing to probe. */
    public static WebhookRejected unknownSource() {
        return new WebhookRejected(HttpStatus.NOT_FOUND, "no active webhook source at this address");
    }

    public Map<String, String> headers() {
        return headers;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
