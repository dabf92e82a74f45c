-- The Marketplace domain model: people, what they rent, what they owe and pay,
-- what breaks, and what is advertised. Singular table names; money is integer
-- minor units plus an ISO-4217 currency; every table has created_at/updated_at.

CREATE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE app_user (
    id            uuid PRIMARY KEY,
    email         text NOT NULL,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'landlord', 'tenant')),
    password_hash text,
    phone         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email_key ON app_user (lower(email));

CREATE TABLE property (
    id           uuid PRIMARY KEY,
    landlord_id  uuid NOT NULL REFERENCES app_user (id),
    name         text NOT NULL,
    address_line text NOT NULL,
    city         text NOT NULL,
    postal_code  text NOT NULL,
    country      text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    latitude     double precision,
    longitude    double precision,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX property_landlord_idx ON property (landlord_id);

CREATE TABLE unit (
    id            uuid PRIMARY KEY,
    property_id   uuid NOT NULL REFERENCES property (id),
    label         text NOT NULL,
    section       text,
    floor         text,
    bedrooms      integer NOT NULL DEFAULT 0 CHECK (bedrooms >= 0),
    bathrooms     integer NOT NULL DEFAULT 1 CHECK (bathrooms >= 0),
    area_m2       integer CHECK (area_m2 > 0),
    rent_minor    bigint CHECK (rent_minor >= 0),
    currency      char(3) CHECK (currency ~ '^[A-Z]{3}$'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (property_id, label)
);

CREATE TABLE lease (
    id           uuid PRIMARY KEY,
    unit_id      uuid NOT NULL REFERENCES unit (id),
    tenant_id    uuid NOT NULL REFERENCES app_user (id),
    starts_on    date NOT NULL,
    ends_on      date,
    rent_minor   bigint NOT NULL CHECK (rent_minor >= 0),
    deposit_minor bigint NOT NULL DEFAULT 0 CHECK (deposit_minor >= 0),
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on IS NULL OR ends_on > starts_on)
);
CREATE INDEX lease_tenant_idx ON lease (tenant_id);
CREATE INDEX lease_unit_idx ON lease (unit_id);

CREATE TABLE invoice (
    id           uuid PRIMARY KEY,
    number       text NOT NULL UNIQUE,
    lease_id     uuid NOT NULL REFERENCES lease (id),
    tenant_id    uuid NOT NULL REFERENCES app_user (id),
    period_start date NOT NULL,
    period_end   date NOT NULL,
    issued_on    date NOT NULL,
    due_on       date NOT NULL,
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_minor  bigint NOT NULL CHECK (total_minor >= 0),
    voided_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lease_id, period_start)
);
CREATE INDEX invoice_tenant_idx ON invoice (tenant_id, issued_on DESC);

CREATE TABLE invoice_line (
    id                uuid PRIMARY KEY,
    invoice_id        uuid NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    position          integer NOT NULL CHECK (position >= 1),
    description       text NOT NULL,
    quantity          integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_amount_minor bigint NOT NULL,
    amount_minor      bigint NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (invoice_id, position),
    CHECK (amount_minor = quantity * unit_amount_minor)
);

CREATE TABLE payment (
    id           uuid PRIMARY KEY,
    invoice_id   uuid NOT NULL REFERENCES invoice (id),
    tenant_id    uuid NOT NULL REFERENCES app_user (id),
    amount_minor bigint NOT NULL CHECK (amount_minor > 0),
    currency     char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    received_at  timestamptz NOT NULL,
    method       text NOT NULL CHECK (method IN ('bank_transfer', 'card', 'direct_debit', 'cash')),
    reference    text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_invoice_idx ON payment (invoice_id);
CREATE INDEX payment_tenant_idx ON payment (tenant_id);

CREATE TABLE maintenance_ticket (
    id             uuid PRIMARY KEY,
    source         text NOT NULL CHECK (source IN ('local', 'condo')),
    external_id    text,
    property_id    uuid NOT NULL REFERENCES property (id),
    unit_id        uuid REFERENCES unit (id),
    number         integer,
    title          text NOT NULL,
    details        text NOT NULL DEFAULT '',
    status         text NOT NULL CHECK (status IN ('new_or_reopened', 'processing', 'completed', 'closed', 'canceled', 'deferred')),
    priority       text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    is_emergency   boolean NOT NULL DEFAULT false,
    deadline_at    timestamptz,
    opened_at      timestamptz NOT NULL,
    source_updated_at timestamptz NOT NULL,
    source_version integer NOT NULL DEFAULT 1,
    deleted_at     timestamptz,
    status_history jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id)
);
CREATE INDEX maintenance_ticket_property_idx ON maintenance_ticket (property_id, status);

CREATE TABLE listing (
    id             uuid PRIMARY KEY,
    source         text NOT NULL CHECK (source IN ('local', 'cocorico')),
    external_id    text,
    slug           text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    unit_id        uuid REFERENCES unit (id),
    title          text NOT NULL,
    description    text NOT NULL DEFAULT '',
    property_type  text NOT NULL CHECK (property_type IN ('apartment', 'house', 'studio', 'room', 'loft', 'other')),
    bedrooms       integer NOT NULL DEFAULT 0 CHECK (bedrooms >= 0),
    bathrooms      integer NOT NULL DEFAULT 1 CHECK (bathrooms >= 0),
    area_m2        integer CHECK (area_m2 > 0),
    address_line   text NOT NULL DEFAULT '',
    city           text NOT NULL,
    postal_code    text NOT NULL DEFAULT '',
    country        text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    latitude       double precision,
    longitude      double precision,
    price_minor    bigint NOT NULL CHECK (price_minor >= 0),
    currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    price_unit     text NOT NULL CHECK (price_unit IN ('month', 'week', 'day', 'hour')),
    available_from date,
    photos         jsonb NOT NULL DEFAULT '[]'::jsonb,
    categories     text[] NOT NULL DEFAULT '{}',
    published      boolean NOT NULL DEFAULT true,
    content_hash   text,
    published_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, external_id),
    CHECK ((source = 'local') = (external_id IS NULL))
);
CREATE INDEX listing_published_idx ON listing (published, published_at DESC);

-- One local thing maps to at most one object per platform, and one external
-- object to at most one local thing: a person or an invoice can never map twice.
CREATE TABLE external_ref (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform    text NOT NULL CHECK (platform IN ('killbill', 'condo', 'cocorico')),
    entity      text NOT NULL,
    local_id    uuid NOT NULL,
    external_id text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (platform, entity, local_id),
    UNIQUE (platform, entity, external_id)
);

CREATE TABLE sync_run (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    platform        text NOT NULL CHECK (platform IN ('killbill', 'condo', 'cocorico')),
    trigger         text NOT NULL CHECK (trigger IN ('schedule', 'manual', 'cli', 'webhook')),
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    records_in      integer NOT NULL DEFAULT 0,
    records_out     integer NOT NULL DEFAULT 0,
    records_failed  integer NOT NULL DEFAULT 0,
    records_skipped integer NOT NULL DEFAULT 0,
    cursor          text,
    error           text,
    error_detail    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_run_platform_idx ON sync_run (platform, started_at DESC);

CREATE TABLE sync_state (
    platform             text PRIMARY KEY CHECK (platform IN ('killbill', 'condo', 'cocorico')),
    configured           boolean NOT NULL DEFAULT false,
    watermark            text,
    paused               boolean NOT NULL DEFAULT false,
    paused_reason        text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    last_success_at      timestamptz,
    last_run_id          bigint REFERENCES sync_run (id),
    next_run_at          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
INSERT INTO sync_state (platform) VALUES ('killbill'), ('condo'), ('cocorico');

CREATE TABLE webhook_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        text NOT NULL CHECK (source IN ('killbill', 'condo')),
    dedupe_key    text NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    verification  text NOT NULL CHECK (verification IN ('token', 'signature', 'token_and_signature')),
    payload       jsonb NOT NULL,
    processed_at  timestamptz,
    attempts      integer NOT NULL DEFAULT 0,
    error         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, dedupe_key)
);
CREATE INDEX webhook_event_pending_idx ON webhook_event (received_at) WHERE processed_at IS NULL;

CREATE TABLE refresh_token (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    family_id   uuid NOT NULL,
    token_hash  text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_token_family_idx ON refresh_token (family_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['app_user', 'property', 'unit', 'lease', 'invoice', 'invoice_line',
        'payment', 'maintenance_ticket', 'listing', 'external_ref', 'sync_run', 'sync_state',
        'webhook_event', 'refresh_token']
    LOOP
        EXECUTE format('CREATE TRIGGER %I_touch BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION touch_updated_at()', t, t);
    END LOOP;
END $$;
