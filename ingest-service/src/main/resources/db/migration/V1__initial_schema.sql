-- Datasets, labeled images, snapshots, training runs, model versions, imports and the outbox.

CREATE TABLE dataset (
    name              text PRIMARY KEY,
    -- JSON array of declared class names, or NULL when any label is accepted.
    declared_classes  text,
    created_at        timestamptz NOT NULL
);

CREATE TABLE labeled_image (
    id             uuid PRIMARY KEY,
    dataset_name   text NOT NULL REFERENCES dataset (name),
    sha256         char(64) NOT NULL,
    label          text NOT NULL,
    format         text NOT NULL,
    width          integer NOT NULL,
    height         integer NOT NULL,
    size_bytes     bigint NOT NULL,
    original_name  text,
    import_id      uuid,
    uploaded_by    text NOT NULL,
    uploaded_at    timestamptz NOT NULL,
    labeled_at     timestamptz NOT NULL,
    CONSTRAINT labeled_image_content_unique UNIQUE (dataset_name, sha256)
);
CREATE INDEX labeled_image_dataset_uploaded ON labeled_image (dataset_name, uploaded_at, id);
CREATE INDEX labeled_image_dataset_label ON labeled_image (dataset_name, label);
CREATE INDEX labeled_image_dataset_labeled ON labeled_image (dataset_name, labeled_at);

CREATE TABLE dataset_snapshot (
    id            uuid PRIMARY KEY,
    dataset_name  text NOT NULL REFERENCES dataset (name),
    image_count   integer NOT NULL,
    -- JSON object: class name to image count.
    class_counts  text NOT NULL,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX dataset_snapshot_dataset ON dataset_snapshot (dataset_name, created_at);

-- A copy of each image's identity and label at snapshot time, so later relabels and deletes
-- leave the snapshot unchanged. Blobs are never deleted, so sha256 stays readable.
CREATE TABLE snapshot_image (
    snapshot_id  uuid NOT NULL REFERENCES dataset_snapshot (id),
    image_id     uuid NOT NULL,
    sha256       char(64) NOT NULL,
    label        text NOT NULL,
    format       text NOT NULL,
    PRIMARY KEY (snapshot_id, image_id)
);

CREATE TABLE training_run (
    id                   uuid PRIMARY KEY,
    model_name           text NOT NULL REFERENCES dataset (name),
    snapshot_id          uuid NOT NULL REFERENCES dataset_snapshot (id),
    state                text NOT NULL,
    run_trigger          text NOT NULL,
    requested_by         text NOT NULL,
    attempt              integer NOT NULL,
    hyperparameters      text NOT NULL,
    trainer_id           text,
    phase                integer,
    epoch                integer,
    total_epochs         integer,
    last_event_attempt   integer NOT NULL DEFAULT 0,
    last_event_sequence  bigint NOT NULL DEFAULT -1,
    last_event_at        timestamptz,
    model_version        bigint,
    failure_reason       text,
    created_at           timestamptz NOT NULL,
    claimed_at           timestamptz,
    finished_at          timestamptz,
    updated_at           timestamptz NOT NULL
);
CREATE INDEX training_run_model_created ON training_run (model_name, created_at);
CREATE INDEX training_run_active ON training_run (state, last_event_at);

CREATE TABLE run_epoch_metrics (
    id                   bigserial PRIMARY KEY,
    run_id               uuid NOT NULL REFERENCES training_run (id),
    attempt              integer NOT NULL,
    phase                integer NOT NULL,
    epoch                integer NOT NULL,
    train_loss           double precision NOT NULL,
    train_accuracy       double precision NOT NULL,
    validation_loss      double precision NOT NULL,
    validation_accuracy  double precision NOT NULL,
    validation_auc       double precision,
    duration_seconds     double precision NOT NULL,
    images_per_second    double precision NOT NULL,
    recorded_at          timestamptz NOT NULL,
    CONSTRAINT run_epoch_metrics_unique UNIQUE (run_id, attempt, epoch)
);

CREATE TABLE model_version (
    id           bigserial PRIMARY KEY,
    model_name   text NOT NULL REFERENCES dataset (name),
    version      bigint NOT NULL,
    run_id       uuid NOT NULL REFERENCES training_run (id),
    snapshot_id  uuid NOT NULL REFERENCES dataset_snapshot (id),
    sha256       char(64) NOT NULL,
    size_bytes   bigint NOT NULL,
    -- JSON array of class names in the order of the probability vector.
    class_names  text NOT NULL,
    image_size   integer NOT NULL,
    uploaded_by  text NOT NULL,
    created_at   timestamptz NOT NULL,
    CONSTRAINT model_version_unique UNIQUE (model_name, version),
    CONSTRAINT model_version_run_unique UNIQUE (run_id)
);

CREATE TABLE model_pin (
    model_name  text PRIMARY KEY REFERENCES dataset (name),
    version     bigint NOT NULL,
    pinned_by   text NOT NULL,
    pinned_at   timestamptz NOT NULL
);

CREATE TABLE import_job (
    id                uuid PRIMARY KEY,
    dataset_name      text NOT NULL REFERENCES dataset (name),
    layout            text NOT NULL,
    state             text NOT NULL,
    archive_bytes     bigint NOT NULL,
    total_files       integer NOT NULL,
    processed_files   integer NOT NULL DEFAULT 0,
    accepted          integer NOT NULL DEFAULT 0,
    duplicates        integer NOT NULL DEFAULT 0,
    rejected          integer NOT NULL DEFAULT 0,
    -- JSON array of {"file", "reason"}.
    rejections        text NOT NULL DEFAULT '[]',
    failure_reason    text,
    requested_by      text NOT NULL,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz
);

CREATE TABLE outbox_message (
    id                bigserial PRIMARY KEY,
    topic             text NOT NULL,
    message_key       text NOT NULL,
    message_type      text NOT NULL,
    payload           text NOT NULL,
    created_at        timestamptz NOT NULL,
    published_at      timestamptz,
    publish_attempts  integer NOT NULL DEFAULT 0,
    last_error        text
);
CREATE INDEX outbox_message_pending ON outbox_message (id) WHERE published_at IS NULL;

INSERT INTO dataset (name, declared_classes, created_at) VALUES ('default', NULL, now());
