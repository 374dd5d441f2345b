package com.healthtourism.hub.tenancy;

/** A tenant's name, domain, settings or active flag changed (and was committed). */
public record TenantChanged(Tenant tenant) {
}
