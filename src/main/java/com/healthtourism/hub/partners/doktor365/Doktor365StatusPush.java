package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.patients.PatientRecords;

/**
 * Which case moves go back to Doktor365 ({@code routes/doktor365-status-push.yaml}): a {@code case.updated} the hub
 * raised for a case that came from Doktor365 becomes one push of the new status, addressed by Doktor365's case id.
 */
@Component("doktor365StatusPush")
public class Doktor365StatusPush {

    private static final String HUB_CASES = "/hub/cases";

    private final PatientRecords records;
    private final ObjectMapper json;

    public Doktor365StatusPush(PatientRecords records, ObjectMapper json) {
        this.records = records;
        this.json = json;
    }

    /** The push for a hub case event as a message of its own (none when the case is not Doktor365's). */
    public List<Message> pushes(Exchange exchange) {
        var body = exchange.getMessage().getBody(String.class);
        var event = read(body);
        if (event == null || !HUB_CASES.equals(event.path("source").asText())
                || !"case.updated".equals(event.path("type").asText()) || !event.hasNonNull("tenantid")) {
            return List.of();
        }
        var tenant = UUID.fromString(event.get("tenantid").asText());
        var caseId = UUID.fromString(event.at("/data/caseId").asText());
        return records.externalCaseId(tenant, Doktor365Inbound.SOURCE, caseId).map(partnerCaseId -> {
            Message message = new DefaultMessage(exchange.getContext());
            message.setBody(body);
            message.setHeader(ApprovalQueue.TENANT, tenant.toString());
            message.setHeader(ApprovalQueue.ORIGIN_KEY, event.path("id").asText());
            message.setHeader("hubD365CaseId", partnerCaseId);
            message.setHeader("hubCaseStatus", event.at("/data/status").asText());
            return List.of(message);
        }).orElse(List.of());
    }

    private JsonNode read(String body) {
        try {
            return body == null ? null : json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
