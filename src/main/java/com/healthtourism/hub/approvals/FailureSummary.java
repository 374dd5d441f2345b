package com.healthtourism.hub.approvals;

import com.dashjoin.jsonata.JException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.springframework.http.HttpStatus;

import com.healthtourism.hub.crypto.CipherFailure;
import com.healthtourism.hub.events.MappingFailure;
import com.healthtourism.hub.patients.UnusablePartnerRecord;
import com.healthtourism.hub.subscriptions.PartnerUnavailable;
import com.healthtourism.hub.subscriptions.SubscriptionInactive;

/**
 * Why something failed, without PII: the exception's class and a message that never quotes a payload. Our own
 * failures say which field is wrong, never its value; an HTTP failure gives its status and the status's standard
 * reason phrase only (a partner's error body or own reason phrase may echo the request); a JSONata error its code;
 * the transport (Kafka, sockets) its message; anything else its class alone, since an arbitrary exception message
 * may carry data.
 */
public record FailureSummary(String type, String message) {

    static final int MAX_MESSAGE_LENGTH = 300;

    public static FailureSummary of(Throwable error) {
        for (var cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof MappingFailure || cause instanceof CipherFailure || cause instanceof PartnerUnavailable
                    || cause instanceof SubscriptionInactive || cause instanceof UnusablePartnerRecord) {
                return summary(cause, cause.getMessage());
            }
            if (cause instanceof JException jsonata) {
                return summary(cause, "mapping error: JSONata " + jsonata.getError());
            }
            if (cause instanceof HttpOperationFailedException http) {
                // the standard reason phrase, not the partner's own (which it may fill with anything)
                var known = HttpStatus.resolve(http.getStatusCode());
                return summary(cause, "HTTP " + http.getStatusCode() + (known == null ? "" : " " + known.getReasonPhrase()));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        var root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        var name = root.getClass().getName();
        var transport = name.startsWith("org.apache.kafka.") || name.startsWith("java.net.")
                || name.startsWith("java.nio.channels.") || name.startsWith("org.apache.hc.");
        var message = transport && root.getMessage() != null
                ? root.getClass().getSimpleName() + ": " + root.getMessage()
                : root.getClass().getSimpleName();
        return summary(root, message);
    }

    private static FailureSummary summary(Throwable cause, String message) {
        var text = message == null ? cause.getClass().getSimpleName() : message;
        return new FailureSummary(cause.getClass().getName(),
                text.length() <= MAX_MESSAGE_LENGTH ? text : text.substring(0, MAX_MESSAGE_LENGTH));
    }
}
