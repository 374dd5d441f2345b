package com.healthtourism.hub.tenancy;

import java.time.OffsetDateTime;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** A tenant API key as the admin API shows it. {@code key} is present only in the answer that issued it. */
public record ApiKeyView(UUID id, String name, boolean pii, OffsetDateTime createdAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) OffsetDateTime revokedAt,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String key) {

    ApiKeyView withKey(String issuedKey) {
        return new ApiKeyView(id, name, pii, createdAt, revokedAt, issuedKey);
    }
}
