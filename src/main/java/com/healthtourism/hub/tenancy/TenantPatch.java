package com.healthtourism.hub.tenancy;

import java.util.Map;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A partial update: absent fields stay as they are. */
public record TenantPatch(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Size(max = 255) @Pattern(regexp = DOMAIN, message = "must be a host name such as clinic.example.com") String domain,
        Map<String, Object> settings,
        Boolean active) {

    static final String DOMAIN = "(?i)^(?=.{1,255}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$";
}
