package com.healthtourism.hub.webhooks;

import java.util.UUID;

/** Names shared by everything that reads or writes inbound_messages. */
public final class InboundMessages {

    private InboundMessages() {
    }

    /** Associated data of a message body's ciphertext: it decrypts only as this tenant's this message. */
    public static String bodyContext(UUID tenantId, UUID messageId) {
        return "tenant:" + tenantId + ":inbound_messages:" + messageId;
    }
}
