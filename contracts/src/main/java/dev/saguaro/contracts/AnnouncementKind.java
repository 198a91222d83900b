package dev.saguaro.contracts;

/** What a {@link ModelVersionAnnouncement} says. */
public enum AnnouncementKind {
  /** A newly trained version is stored and verified; published by the trainer. */
  NEW_VERSION,
  /** Serve this version until the pin is released; published by the ingest service. */
  PINNED,
  /** No version is pinned any more: serve the newest; published by the ingest service. */
  PIN_RELEASED
}
