package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.approvals.ApprovalQueue;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.events.CloudEvents;
import com.healthtourism.hub.patients.PatientRecords;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.webhooks.InboundMessageSearch;
import com.healthtourism.hub.webhooks.InboundMessages;

/**
 * Applies Doktor365's case events to the tenant's patients and cases ({@code routes/doktor365/doktor365-inbound.yaml}). The
 * event carries no personal data; its id is the stored partner message's id, so the patient and case are read from
 * that message (decrypted here, never logged) and upserted by Doktor365's own ids: a redelivery changes nothing twice.
 */
@Component("doktor365Inbound")
public class Doktor365Inbound {

    static final String SOURCE = "doktor365";
    private static final String EVENT_SOURCE = "/partners/" + SOURCE;

    private final TenantTransactions transactions;
    private final InboundMessageSearch messages;
    private final FieldCipher cipher;
    private final PatientRecords records;
    private final ObjectMapper json;
    private final CloudEvents cloudEvents;

    public Doktor365Inbound(TenantTransactions transactions, InboundMessageSearch messages, FieldCipher cipher,
                            PatientRecords records, ObjectMapper json, CloudEvents cloudEvents) {
        this.cloudEvents = cloudEvents;
        this.transactions = transactions;
        this.messages = messages;
        this.cipher = cipher;
        this.records = records;
        this.json = json;
    }

    /**
     * The Doktor365 case event in a Kafka record, as a message of its own for doktor365-apply (none for any other
     * event): the event's JSON unchanged, with the tenant and the event id as its identity, so that what the
     * dead-letter channel parks as the original carries them.
     */
    public List<Message> applications(Exchange exchange) {
        var body = exchange.getMessage().getBody(String.class);
        return cloudEvents.consumed(body)
                .filter(event -> EVENT_SOURCE.equals(event.path("source").asText())
                        && event.path("type").asText().startsWith("case.") && event.hasNonNull("tenantid"))
                .map(event -> List.of(ApprovalQueue.parkable(exchange.getContext(), body,
                        UUID.fromString(event.get("tenantid").asText()), event.path("id").asText())))
                .orElse(List.of());
    }

    /** Upserts the event's patient and case from the partner's stored message. */
    public void apply(String cloudEvent) {
        var event = cloudEvents.consumed(cloudEvent)
                .orElseThrow(() -> new IllegalStateException("not a hub event"));
        var tenant = UUID.fromString(event.get("tenantid").asText());
        var messageId = UUID.fromString(event.get("id").asText());
        var stored = transactions.inTenant(tenant, db -> messages.body(db, tenant, messageId))
                .orElseThrow(() -> new IllegalStateException("message " + messageId + " of tenant " + tenant + " is gone"));
        var raw = cipher.decrypt(stored.ciphertext(), InboundMessages.bodyContext(tenant, messageId));
        JsonNode message;
        try {
            message = json.readTree(raw);
        } catch (IOException e) {
            throw new IllegalStateException("message " + messageId + " is not JSON");
        }
        var data = message.path("data");
        var withPatient = data.path("patient").isObject();
        var patient = withPatient ? ((ObjectNode) data.get("patient").deepCopy()) : json.createObjectNode();
        patient.put("id", data.path("patient_id").asText());
        var partnerCase = data.deepCopy();
        // the partner's time of the change: an older change that arrives late undoes nothing. Only what the event
        // carries is stamped: an event naming the patient without its record says nothing of when that changed, and
        // stamping it would keep an older event's full record of the patient from applying.
        if (message.hasNonNull("timestamp")) {
            if (withPatient) {
                patient.put("updated_at", message.get("timestamp").asText());
            }
            ((ObjectNode) partnerCase).put("updated_at", message.get("timestamp").asText());
        }
        var patientId = records.upsertPatient(tenant, SOURCE, patient);
        records.upsertCase(tenant, SOURCE, partnerCase, patientId);
    }
}
