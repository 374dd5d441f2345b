package com.healthtourism.hub.patients;

/**
 * A partner's patient or case that cannot be applied: no id, a case whose patient the hub does not know, an email
 * another user of the tenant already has. The message names the field, never its value.
 */
public class UnusablePartnerRecord extends IllegalArgumentException {

    public UnusablePartnerRecord(String message) {
        super(message);
    }
}
