package com.healthtourism.hub.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A hub event in CloudEvents 1.0 structured JSON: the canonical shape of everything the hub publishes.
 * {@code tenantid} is the hub's extension attribute; {@code id} is the inbound message id, so a re-delivery
 * carries the same id and consumers can de-duplicate on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "tenantid", "data"})
public record CloudEvent(String specversion, String id, String source, String type, String subject, String time,
                         String datacontenttype, String tenantid, JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json";
}
