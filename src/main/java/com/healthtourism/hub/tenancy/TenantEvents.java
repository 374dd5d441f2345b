package com.healthtourism.hub.tenancy;

import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** Hands a new tenant to the routes that prepare what it owns outside PostgreSQL (its storage prefixes). */
@Component
public class TenantEvents {

    private final ProducerTemplate producer;

    public TenantEvents(ProducerTemplate producer) {
        this.producer = producer;
    }

    public void created(Tenant tenant) {
        producer.asyncSendBody("direct:tenant-storage-layout", tenant.id().toString());
    }
}
