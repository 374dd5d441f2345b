package com.healthtourism.hub.signatures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * How one partner signs its webhooks. Verification never throws for anything a sender controls:
 * a missing, malformed or wrong signature comes back as a {@link Verification} failure, which the
 * caller answers with 401.
 */
public sealed interface SignatureScheme
        permits StripeScheme, IyzicoScheme, StandardWebhooksScheme, HmacSha256Scheme {

    /** The scheme's configuration name, e.g. {@code "stripe"}. */
    String name();

    /**
     * @param secrets   the active secrets; any one matching is success (two are active while a secret rotates)
     * @param tolerance how far the signed timestamp may be from {@code now}; ignored by schemes without a timestamp
     * @param now       the current time; ignored by schemes without a timestamp
     */
    Verification verify(SignedRequest request, List<String> secrets, Duration tolerance, Instant now);
}
