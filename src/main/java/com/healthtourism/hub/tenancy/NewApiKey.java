package com.healthtourism.hub.tenancy;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** An admin's request for a tenant API key: a name to tell keys apart and whether it may read patient data. */
public record NewApiKey(@NotBlank @Size(max = 100) String name, Boolean pii) {
}
