package com.healthtourism.hub.partners.doktor365;

import java.util.List;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    private static final Logger log = LoggerFactory.getLogger(Doktor365StatusPush.class);
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

    /** The push under way (exchange property): the call itself drops the message's headers. */
    static final String PUSH = "d365Push";

    record Push(UUID tenant, String caseId, String status) {
    }

    /**
     * Whether the push still says where the case is. One a later move overtook (a parked push granted after the case
     * moved on, or a consumer behind its topic) would set Doktor365 back to an old status: it is not sent, and the
     * later move's own push tells Doktor365 where the case is. A push whose case the hub cannot find goes on as it is.
     */
    public boolean current(Exchange exchange) {
        var message = exchange.getMessage();
        var tenant = message.getHeader(Doktor365Requests.TENANT, String.class);
        var caseId = message.getHeader(Doktor365Requests.CASE_ID, String.class);
        var status = message.getHeader(Doktor365Requests.CASE_STATUS, String.class);
        UUID tenantId;
        try {
            tenantId = UUID.fromString(tenant);
        } catch (IllegalArgumentException | NullPointerException unusable) {
            return true; // the push itself refuses it (doktor365Requests.statusPush)
        }
        if (caseId == null || !Doktor365.isId(caseId)) {
            return true;
        }
        exchange.setProperty(PUSH, new Push(tenantId, caseId, status));
        var now = records.caseStatus(tenantId, Doktor365Inbound.SOURCE, caseId);
        if (now.isPresent() && !now.get().equals(status)) {
            log.info("status push of Doktor365 case {} (tenant {}) is overtaken: the case is {} now, not {}; not sent",
                    caseId, tenantId, now.get(), status);
            return false;
        }
        return true;
    }

    /** Doktor365 took the push: its case carries the pushed status now. */
    public void pushed(@ExchangeProperty(PUSH) Push push) {
        records.statusPushed(push.tenant(), Doktor365Inbound.SOURCE, push.caseId(), push.status());
    }
}
