package com.healthtourism.hub.signatures;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/** The signature schemes by name, and which one a webhook source uses unless configured otherwise. */
@Component
public class SignatureSchemes {

    private final Map<String, SignatureScheme> byName;

    public SignatureSchemes() {
        byName = List.<SignatureScheme>of(
                        new StripeScheme(), new IyzicoScheme(), new StandardWebhooksScheme(), new HmacSha256Scheme())
                .stream()
                .collect(Collectors.toUnmodifiableMap(SignatureScheme::name, Function.identity()));
    }

    /** @throws IllegalArgumentException for a name that is not a scheme (a configuration error) */
    public SignatureScheme byName(String name) {
        var scheme = name == null ? null : byName.get(name.toLowerCase(Locale.ROOT));
        if (scheme == null) {
            throw new IllegalArgumentException(
                    "unknown signature scheme '" + name + "'; known: " + byName.keySet().stream().sorted().toList());
        }
        return scheme;
    }

    /** Stripe and iyzico sign their own way; every other source (doktor365, flights, hotels, ...) uses Standard Webhooks. */
    public String defaultFor(String source) {
        String normalized = source == null ? "" : source.toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case StripeScheme.NAME -> StripeScheme.NAME;
            case IyzicoScheme.NAME -> IyzicoScheme.NAME;
            default -> StandardWebhooksScheme.NAME;
        };
    }

    /** The names a source may be configured with. */
    public java.util.SortedSet<String> names() {
        return new java.util.TreeSet<>(byName.keySet());
    }

    /**
     * Whether {@code secret} can key {@code scheme}: Standard Webhooks needs {@code whsec_} and
     * base64 after it; the others take any non-blank string as given.
     */
    public boolean acceptsSecret(String scheme, String secret) {
        if (secret == null || secret.isBlank()) {
            return false;
        }
        if (!StandardWebhooksScheme.NAME.equals(scheme)) {
            return true;
        }
        if (!secret.startsWith("whsec_")) {
            return false;
        }
        try {
            return java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())).length > 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public SignatureScheme forSource(String source) {
        return byName(defaultFor(source));
    }
}
