package com.healthtourism.hub.signatures;

/** The outcome of checking a webhook's signature; every outcome but {@link #VALID} is answered with 401. */
public enum Verification {
    VALID,
    /** The request carries no signature header (or not all the headers the scheme needs). */
    MISSING_SIGNATURE,
    /** A signature is present but malformed, or no active secret produces it. */
    BAD_SIGNATURE,
    /** The signature is right but its timestamp is outside the tolerance: a replay or a badly skewed clock. */
    STALE_TIMESTAMP;

    public boolean isValid() {
        return this == VALID;
    }
}
