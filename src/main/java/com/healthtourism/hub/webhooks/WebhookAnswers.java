package com.healthtourism.hub.webhooks;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

import com.healthtourism.hub.problems.ProblemException;
import com.healthtourism.hub.problems.Problems;

/**
 * The intake's answers: 202 {"id","status":"accepted"} for a new message, 200 with the first
 * message's id and "duplicate" for a repeat, and problem+json for every refusal. Never a stack
 * trace, a secret or a payload in an answer or a log line.
 */
@Component("webhookAnswers")
public class WebhookAnswers {

    private static final Logger log = LoggerFactory.getLogger(WebhookAnswers.class);
    private static final String JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";

    private final ObjectMapper json;

    public WebhookAnswers(ObjectMapper json) {
        this.json = json;
    }

    public void answer(@ExchangeProperty("delivery") Delivery delivery, Exchange exchange) {
        var message = exchange.getMessage();
        clear(message);
        rateLimitHeaders(message, delivery.rateLimit());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, delivery.duplicate() ? 200 : 202);
        message.setHeader(Exchange.CONTENT_TYPE, JSON);
        message.setBody("{\"id\":\"" + delivery.messageId() + "\",\"status\":\""
                + (delivery.duplicate() ? "duplicate" : "accepted") + "\"}");
    }

    /** A refusal: 4xx (or 503) with the problem's own status and headers. */
    public void problem(Exchange exchange) {
        var failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, ProblemException.class);
        var message = exchange.getMessage();
        clear(message);
        if (failure instanceof WebhookRejected rejected) {
            rejected.headers().forEach(message::setHeader);
        }
        respond(message, failure.status(), failure.getMessage());
    }

    /**
     * Any other failure. When storage failed anywhere in its cause chain (PostgreSQL unreachable, a
     * transaction that could not commit) nothing was stored: 503 with Retry-After. Else 500.
     */
    public void failure(Exchange exchange) {
        var failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        var message = exchange.getMessage();
        clear(message);
        if (storageFailed(failure)) {
            log.warn("webhook not stored, storage unavailable ({})", failure.getClass().getSimpleName());
            message.setHeader("Retry-After", "5");
            respond(message, HttpStatus.SERVICE_UNAVAILABLE, "storage is unavailable, nothing was stored; retry later");
        } else {
            log.error("webhook intake failed unexpectedly ({})", failure.getClass().getName());
            respond(message, HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error, nothing was stored; retry later");
        }
    }

    static boolean storageFailed(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataAccessException || cause instanceof TransactionException
                    || cause instanceof SQLTransientException || cause instanceof SQLRecoverableException) {
                return true;
            }
        }
        return false;
    }

    private void respond(Message message, HttpStatus status, String detail) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status.value());
        message.setHeader(Exchange.CONTENT_TYPE, PROBLEM_JSON);
        try {
            message.setBody(json.writeValueAsString(Problems.problem(status, detail, null)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem", e);
        }
    }

    private static void rateLimitHeaders(Message message, RateLimitStatus status) {
        if (status.counted()) {
            message.setHeader("RateLimit-Limit", status.limit());
            message.setHeader("RateLimit-Remaining", status.remaining());
            message.setHeader("RateLimit-Reset", status.resetSeconds());
        }
    }

    /** The request's headers must not echo back (a partner's signature, say). */
    private static void clear(Message message) {
        message.getHeaders().clear();
    }
}
