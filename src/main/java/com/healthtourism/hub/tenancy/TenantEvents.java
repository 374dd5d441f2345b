package com.healthtourism.hub.tenancy;

import org.apache.camel.ProducerTemplate;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Tells the rest of the hub about tenant changes: a new tenant goes to the routes that prepare what it
 * owns outside PostgreSQL (its storage prefixes); a changed one (renamed, deactivated, settings) is
 * published as a {@link TenantChanged} event, so caches of its data forget it at once.
 */
@Component
public class TenantEvents {

    private final ProducerTemplate producer;
    private final ApplicationEventPublisher publisher;

    public TenantEvents(ProducerTemplate producer, ApplicationEventPublisher publisher) {
        this.producer = producer;
        this.publisher = publisher;
    }

    public void created(Tenant tenant) {
        producer.asyncSendBody("direct:tenant-storage-layout", tenant.id().toString());
    }

    public void changed(Tenant tenant) {
        publisher.publishEvent(new TenantChanged(tenant));
    }
}
