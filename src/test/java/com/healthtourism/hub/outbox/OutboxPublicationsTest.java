package com.healthtourism.hub.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import com.healthtourism.hub.events.OutgoingEvent;

/** What a tenant's batch sends to Kafka: its mapped rows only, in claim order. */
class OutboxPublicationsTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final OutboxPublications publications = new OutboxPublications();
    private final UUID tenant = UUID.randomUUID();

    @Test
    void collectsTheMappedRowsInClaimOrderAndNothingElse() {
        Exchange result = null;
        result = publications.aggregate(result, mapped(1));
        result = publications.aggregate(result, settled(2, "unmapped"));
        result = publications.aggregate(result, mapped(3));
        result = publications.aggregate(result, settled(4, "failed"));
        var broken = mapped(5);
        broken.setException(new IllegalStateException("parking failed"));
        result = publications.aggregate(result, broken);
        result = publications.aggregate(result, mapped(6));
        publications.onCompletion(result);

        @SuppressWarnings("unchecked")
        var batch = (List<Publication>) result.getMessage().getBody(List.class);
        assertThat(batch).extracting(p -> p.entry().outboxId()).containsExactly(1L, 3L, 6L);
        assertThat(batch).extracting(p -> p.event().id()).containsExactly("evt-1", "evt-3", "evt-6");
        assertThat(result.getProperties()).doesNotContainKey("outboxPublications");
        assertThat(result.getException()).as("the row neither mapped nor settled fails the batch").isSameAs(broken.getException());
    }

    @Test
    void theBatchsOwnExchangeCollectsSoARowsHandledFailureDoesNotEndTheRelaysSteps() {
        var batch = new DefaultExchange(camel);
        var failed = settled(1, "failed");
        failed.getExchangeExtension().setErrorHandlerHandled(true);

        var result = publications.aggregate(null, failed, batch);
        result = publications.aggregate(result, mapped(2), batch);
        publications.onCompletion(result);

        assertThat(result).isSameAs(batch);
        assertThat(result.getExchangeExtension().getErrorHandlerHandled()).isNull();
        assertThat(result.getMessage().getBody(List.class)).hasSize(1);
    }

    @Test
    void aBatchWithNothingMappedIsEmpty() {
        var result = publications.aggregate(null, settled(1, "unmapped"));
        publications.onCompletion(result);

        assertThat(result.getMessage().getBody(List.class)).isEmpty();
    }

    private Exchange mapped(long row) {
        var exchange = row(row, OutboxPublications.MAPPED);
        exchange.getMessage().setBody(new OutgoingEvent("hub.payment", tenant + ":pi_" + row, "evt-" + row,
                "payment.succeeded", "{}"));
        return exchange;
    }

    private Exchange settled(long row, String outcome) {
        return row(row, outcome);
    }

    private Exchange row(long row, String outcome) {
        var exchange = new DefaultExchange(camel);
        exchange.setProperty(OutboxPublications.ENTRY, new OutboxEntry(row, tenant, UUID.randomUUID(), "stripe",
                "payment_intent.succeeded", OffsetDateTime.now(), 1, new byte[0], "application/json", null));
        exchange.setProperty(OutboxPublications.OUTCOME, outcome);
        return exchange;
    }
}
