package com.healthtourism.hub.outbox;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.events.OutgoingEvent;

/**
 * Collects what the mapping of a tenant's claimed rows yields, in claim order: each row mapped to an event becomes a
 * {@link Publication}; rows settled otherwise (unmapped, failed) add nothing, and the first row whose mapping failed
 * unsettled fails the whole batch. On completion the body is the list, which outbox-publish sends to Kafka as one
 * batch.
 */
@Component("outboxPublications")
public class OutboxPublications implements AggregationStrategy {

    /** Exchange property: the row being mapped. */
    public static final String ENTRY = "outboxEntry";
    /** Exchange property: how its mapping ended ({@value #MAPPED}, unmapped or failed). */
    public static final String OUTCOME = "outboxOutcome";
    public static final String MAPPED = "mapped";
    private static final String COLLECTED = "outboxPublications";

    @Override
    public Exchange aggregate(Exchange collected, Exchange mapped) {
        return aggregate(collected, mapped, null);
    }

    /**
     * Collects on the batch's own exchange ({@code batch}), never on a row's: a row whose failed mapping outbox-map
     * handled (parked) carries that handled state, which, copied back as the split's result, would end the relay's
     * steps before the batch is published.
     */
    @Override
    public Exchange aggregate(Exchange collected, Exchange mapped, Exchange batch) {
        var result = collected != null ? collected : batch != null ? batch : mapped;
        @SuppressWarnings("unchecked")
        var publications = (List<Publication>) result.getProperty(COLLECTED, List.class);
        if (publications == null) {
            publications = new ArrayList<>();
            result.setProperty(COLLECTED, publications);
        }
        if (mapped.getException() != null) {
            // a row that could be neither mapped nor settled (parking failed): the batch fails after the rest were
            // mapped, and the relay postpones it
            if (result.getException() == null) {
                result.setException(mapped.getException());
            }
        } else if (MAPPED.equals(mapped.getProperty(OUTCOME, String.class))) {
            publications.add(new Publication(mapped.getProperty(ENTRY, OutboxEntry.class),
                    mapped.getMessage().getBody(OutgoingEvent.class)));
        }
        return result;
    }

    /** Whether a batch's collected list holds anything to publish (outbox-publish's filter). */
    public boolean any(@Body List<Publication> publications) {
        return !publications.isEmpty();
    }

    @Override
    public void onCompletion(Exchange result) {
        if (result != null) {
            var publications = result.removeProperty(COLLECTED);
            result.getMessage().setBody(publications == null ? List.of() : publications);
        }
    }
}
