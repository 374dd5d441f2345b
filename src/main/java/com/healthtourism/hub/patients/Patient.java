package com.healthtourism.hub.patients;

import java.util.UUID;

/** A patient's decrypted personal data, for code that is allowed to see it. Never log it. */
public record Patient(UUID id, String name, String email, String phone, String passportNumber) {

    @Override
    public String toString() {
        return "Patient[id=" + id + "]";
    }
}
