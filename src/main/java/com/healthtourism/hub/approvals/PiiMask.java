package com.healthtourism.hub.approvals;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Masks the personal data in a payload shown to operators: every value under a field whose name says it holds a
 * person's name, contact, identity document, address, birth date, health data or card, or a credential, at any
 * depth. The shape
 * (which fields exist, ids, amounts, statuses) stays readable, which is what an operator needs to decide.
 */
public final class PiiMask {

    static final String MASK = "***";
    private static final Set<String> EXACT = Set.of("name", "first_name", "firstname", "last_name", "lastname",
            "surname", "full_name", "fullname", "given_name", "family_name", "email", "phone", "mobile",
            "gsm_number", "gsmnumber", "address", "street", "city", "zip", "zip_code", "postal_code", "ip", "dob",
            "birth_date", "birthdate", "date_of_birth", "identity_number", "identitynumber", "national_id",
            "ssn", "tax_id", "passport", "passport_number", "symptoms", "medical_history", "diagnosis",
            "card_number", "cardnumber", "pan", "iban", "cvc", "cvv", "registration_address", "contact_name",
            "buyer", "billing_address", "shipping_address", "nationality", "notes", "note", "treatment",
            "treatments", "procedure", "allergies", "medications", "prescription");
    // health data (diagnoses, treatments, notes about the patient) and credentials (a Stripe client_secret, an
    // iyzico checkout token, which with the merchant's keys retrieves the payment) are masked as well
    private static final Set<String> PARTS = Set.of("email", "phone", "passport", "address", "birth", "name",
            "medical", "symptom", "identity", "card_number", "cvv", "diagnos", "treatment", "secret", "token",
            "password");
    private static final Set<String> NOT_PERSONAL = Set.of("source_name", "event_name", "route_name", "type_name",
            "card_type", "card_association", "card_family", "bin_number", "last_four_digits", "file_name",
            "filename", "hostname", "username_hash", "tenant_name");

    private PiiMask() {
    }

    /** A masked copy; the input is left as it was. */
    public static JsonNode mask(JsonNode payload) {
        var copy = payload.deepCopy();
        maskInPlace(copy);
        return copy;
    }

    static boolean isPersonal(String field) {
        var snake = field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT).replace('-', '_');
        if (NOT_PERSONAL.contains(snake)) {
            return false;
        }
        return EXACT.contains(snake) || PARTS.stream().anyMatch(snake::contains);
    }

    private static void maskInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            var names = object.fieldNames();
            var personal = new ArrayList<String>();
            while (names.hasNext()) {
                var name = names.next();
                if (isPersonal(name)) {
                    personal.add(name);
                } else {
                    maskInPlace(object.get(name));
                }
            }
            personal.forEach(name -> object.set(name, TextNode.valueOf(MASK)));
        } else if (node instanceof ArrayNode array) {
            array.forEach(PiiMask::maskInPlace);
        }
    }
}
