-- Core tables of the data model. Every tenant-owned row carries tenant_id, and references between
-- tenant-owned rows are composite (tenant_id, id) so a row can never point into another tenant.
-- Encrypted columns are TEXT: they hold Tink AEAD ciphertext (base64), longer than the plaintext.

CREATE TABLE tenants (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name        VARCHAR(255) NOT NULL,
    domain      VARCHAR(255) NOT NULL UNIQUE,
    settings    JSONB NOT NULL DEFAULT '{}'::jsonb,
    active      BOOLEAN NOT NULL DEFAULT true,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    name        TEXT,
    email       TEXT UNIQUE,
    email_hash  VARCHAR(64),
    phone       TEXT,
    role        user_role NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at  TIMESTAMPTZ,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, email_hash)
);

CREATE TABLE cases (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    patient_id      UUID NOT NULL,
    status          case_status NOT NULL DEFAULT 'intake',
    priority        case_priority NOT NULL DEFAULT 'medium',
    symptoms        TEXT,
    medical_history JSONB,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, patient_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE providers (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    name        VARCHAR(255) NOT NULL,
    specialty   VARCHAR(100),
    country     VARCHAR(2),
    city        VARCHAR(100),
    rating      DECIMAL(3, 2),
    metadata    JSONB NOT NULL DEFAULT '{}'::jsonb,
    UNIQUE (tenant_id, id)
);

CREATE TABLE quotes (
    id          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    case_id     UUID NOT NULL,
    provider_id UUID NOT NULL,
    amount      DECIMAL(10, 2) NOT NULL,
    currency    VARCHAR(3) NOT NULL,
    valid_until DATE,
    status      quote_status NOT NULL DEFAULT 'draft',
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, provider_id) REFERENCES providers (tenant_id, id)
);

CREATE TABLE bookings (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       UUID NOT NULL REFERENCES tenants (id),
    case_id         UUID NOT NULL,
    quote_id        UUID NOT NULL,
    flight_details  JSONB,
    hotel_details   JSONB,
    treatment_date  DATE,
    status          booking_status NOT NULL DEFAULT 'pending',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id),
    FOREIGN KEY (tenant_id, quote_id) REFERENCES quotes (tenant_id, id)
);
