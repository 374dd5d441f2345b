package com.healthtourism.hub.partners.doktor365;

import java.util.List;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.events.CloudEvents;
import com.healthtourism.hub.patients.PatientRecords;

/**
 * Which case moves go back to Doktor365 ({@code routes/doktor365/doktor365-status-push.yaml}): a {@code case.updated} the hub
 * raised for a case that came from Doktor365 becomes one push of the new status, addressed by Doktor365's case id.
 */
@Component("doktor365StatusPush")
public class Doktor365StatusPush {

    private static final String HUB_CASES = "/hub/cases";

    private final PatientRecords records;
    private final CloudEvents cloudEvents;

    public Doktor365StatusPush(PatientRecords records, CloudEvents cloudEvents) {
        this.records = records;
        this.cloudEvents = cloudEvents;
    }

    /** The push for a hub case event as a message of its own (none when the case is not Doktor365's). */
    public List<Message> pushes(Exchange exchange) {
        var body = exchange.getMessage().getBody(String.class);
        var event = cloudEvents.consumed(body).filter(found -> HUB_CASES.equals(found.path("source").asText())
                && "case.updated".equals(found.path("type").asText()) && found.hasNonNull("tenantid"));
        if (event.isEmpty()) {
            return List.of();
        }
        var tenant = UUID.fromString(event.get().get("tenantid").asText());
        var caseId = UUID.fromString(event.get().at("/data/caseId").asText());
        return records.externalCaseId(tenant, Doktor365Inbound.SOURCE, caseId).map(partnerCaseId -> {
            var message = ApprovalQueue.parkable(exchange.getContext(), body, tenant, event.get().path("id").asText());
            message.setHeader(Doktor365Requests.CASE_ID, partnerCaseId);
            message.setHeader(Doktor365Requests.CASE_STATUS, event.get().at("/data/status").asText());
            return List.of(message);
        }).orElse(List.of());
    }
}
