package com.healthtourism.hub.signatures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StandardWebhooksSchemeTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long T = 1_614_265_330L;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(UTF_8);
    private static final String VECTOR = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.ofEpochSecond(T);

    private final StandardWebhooksScheme scheme = new StandardWebhooksScheme();

    private static Map<String, String> headers(String id, String timestamp, String signature) {
        var headers = new HashMap<String, String>();
        if (id != null) {
            headers.put("webhook-id", id);
        }
        if (timestamp != null) {
            headers.put("webhook-timestamp", timestamp);
        }
        if (signature != null) {
            headers.put("webhook-signature", signature);
        }
        return headers;
    }

    private Verification verify(Map<String, String> headers, byte[] body, List<String> secrets, Instant now) {
        return scheme.verify(new SignedRequest(headers, body, null), secrets, TOLERANCE, now);
    }

    private Verification verify(String signature, byte[] body, List<String> secrets) {
        return verify(headers(ID, Long.toString(T), signature), body, secrets, NOW);
    }

    @Test
    void officialVectorVerifies() {
        assertThat(verify(VECTOR, BODY, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void signingHelpersReproduceTheVector() {
        assertThat(StandardWebhooksScheme.signature(SECRET, ID, T, BODY)).isEqualTo(VECTOR);
        assertThat(verify(StandardWebhooksScheme.headers(SECRET, ID, T, BODY), BODY, List.of(SECRET), NOW))
                .isEqualTo(Verification.VALID);
    }

    @Test
    void anyOfSeveralSignaturesMayMatchAndOtherVersionsAreIgnored() {
        String header = "v1a,AAAA v1,bm90IGl0 " + VECTOR;
        assertThat(verify(header, BODY, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void secretWithoutThePrefixIsAccepted() {
        assertThat(verify(VECTOR, BODY, List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).isEqualTo(Verification.VALID);
    }

    @Test
    void tamperedBodyFails() {
        assertThat(verify(VECTOR, "{\"test\": 2432232315}".getBytes(UTF_8), List.of(SECRET)))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void tamperedMessageIdFails() {
        assertThat(verify(headers("msg_other", Long.toString(T), VECTOR), BODY, List.of(SECRET), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void wrongSecretFails() {
        assertThat(verify(VECTOR, BODY, List.of("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk="))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void secretThatIsNotBase64IsSkippedNotThrown() {
        assertThat(verify(VECTOR, BODY, List.of("whsec_***not base64***", SECRET))).isEqualTo(Verification.VALID);
        assertThat(verify(VECTOR, BODY, List.of("whsec_***not base64***"))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void duringRotationASignatureFromEitherSecretVerifies() {
        String old = "whsec_b2xkLXNlY3JldC1rZXktYnl0ZXMtMzItYnl0ZXMh";
        String current = "whsec_bmV3LXNlY3JldC1rZXktYnl0ZXMtMzItYnl0ZXMh";
        var secrets = List.of(old, current);
        assertThat(verify(StandardWebhooksScheme.signature(old, ID, T, BODY), BODY, secrets)).isEqualTo(Verification.VALID);
        assertThat(verify(StandardWebhooksScheme.signature(current, ID, T, BODY), BODY, secrets)).isEqualTo(Verification.VALID);
        assertThat(verify(StandardWebhooksScheme.signature(SECRET, ID, T, BODY), BODY, secrets))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void timestampOutsideTheToleranceIsStale() {
        var headers = headers(ID, Long.toString(T), VECTOR);
        assertThat(verify(headers, BODY, List.of(SECRET), NOW.plusSeconds(301))).isEqualTo(Verification.STALE_TIMESTAMP);
        assertThat(verify(headers, BODY, List.of(SECRET), NOW.minusSeconds(301))).isEqualTo(Verification.STALE_TIMESTAMP);
        assertThat(verify(headers, BODY, List.of(SECRET), NOW.minusSeconds(300))).isEqualTo(Verification.VALID);
    }

    @Test
    void anyMissingHeaderIsMissingSignature() {
        String t = Long.toString(T);
        assertThat(verify(headers(ID, t, null), BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
        assertThat(verify(headers(null, t, VECTOR), BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
        assertThat(verify(headers(ID, null, VECTOR), BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
        assertThat(verify(headers(ID, t, ""), BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
    }

    @Test
    void nonNumericTimestampIsBadSignature() {
        assertThat(verify(headers(ID, "yesterday", VECTOR), BODY, List.of(SECRET), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "v1,", "v1", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE", "v1,!!!!", "   ", ",,,", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=="})
    void malformedSignatureHeaderIsRejectedNotThrown(String header) {
        assertThat(verify(header, BODY, List.of(SECRET)))
                .isIn(Verification.BAD_SIGNATURE, Verification.MISSING_SIGNATURE);
    }
}
