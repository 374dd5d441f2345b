package com.healthtourism.hub.webhooks;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The credentials the hub calls a partner's API with (e.g. Doktor365's OAuth2 client credentials), and the partner's
 * base URL for this tenant if it is not the configured one. Encrypted at rest; the admin API shows only the
 * fingerprint of the secret. toString hides the secret.
 */
public record ApiCredentials(
        @NotBlank @Size(max = 200) String clientId,
        @NotBlank @Size(max = 512) String clientSecret,
        @Size(max = 300) @Pattern(regexp = "https?://[^\\s?#]+", message = "must be an http(s) URL without query")
        String baseUrl) {

    @Override
    public String toString() {
        return "ApiCredentials[clientId=" + clientId + ", baseUrl=" + baseUrl + "]";
    }
}
