package com.healthtourism.hub.tenancy;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public record NewTenant(
        @NotBlank @Size(max = 255) String name,
        @NotBlank @Size(max = 255) @Pattern(regexp = TenantPatch.DOMAIN, message = "must be a host name such as clinic.example.com") String domain,
        Map<String, Object> settings) {
}
