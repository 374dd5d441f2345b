package com.healthtourism.hub.partners.doktor365;

/**
 * Doktor365 refused a call for a reason a retry does not change (400, 403, 404, 409, 422, or a 401 that a fresh token
 * did not cure). Not retried, and not counted against the partner's health by the circuit breaker.
 */
public class Doktor365Rejected extends RuntimeException {

    private final int status;
    private final String error;

    public Doktor365Rejected(int status, String error) {
        super("Doktor365 refused the call: HTTP " + status + (error == null ? "" : " " + error));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** Doktor365's error code (e.g. not_found), if its answer had one. */
    public String error() {
        return error;
    }
}
