package dev.pagekeep.api;

import dev.pagekeep.archive.Archiver;
import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import dev.pagekeep.replay.WaybackUrl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of the contract, built from model records (null fields are left out). */
final class Views {
  private final Archiver archiver;

  Views(Archiver archiver) {
    this.archiver = archiver;
  }

  /** A queued save that the archiver is working on shows as fetching. */
  String state(Save s) {
    if (s.state() == SaveState.QUEUED && archiver != null && archiver.isInFlight(s.id())) return SaveState.FETCHING.wire();
    return s.state().wire();
  }

  Map<String, Object> saveBrief(Save s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", s.id());
    m.put("url", s.url());
    m.put("hashUrl", s.hashUrl());
    m.put("state", state(s));
    return m;
  }

  Map<String, Object> save(Save s) {
    Map<String, Object> m = saveBrief(s);
    m.put("attempts", s.attempts());
    m.put("error", s.error());
    m.put("source", s.source());
    m.put("title", s.title());
    m.put("tags", s.tags());
    m.put("createdAt", s.createdAt());
    m.put("updatedAt", s.updatedAt());
    if (s.snapshotTimestamp() != null) {
      m.put("snapshot", Map.of("hashUrl", s.hashUrl(), "timestamp", s.snapshotTimestamp(),
          "replay", WaybackUrl.framed(s.snapshotTimestamp(), s.url()).path()));
    }
    return m;
  }

  static Map<String, Object> snapshot(Capture c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", c.url());
    m.put("hashUrl", c.hashUrl());
    m.put("urlKey", c.urlKey());
    m.put("title", c.title());
    m.put("timestamp", c.timestamp());
    m.put("status", c.status());
    m.put("contentType", c.contentType());
    m.put("size", c.size());
    m.put("replay", WaybackUrl.framed(c.timestamp(), c.url()).path());
    m.put("tags", c.tags() == null ? List.of() : c.tags());
    return m;
  }

  static Map<String, Object> version(Capture c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("timestamp", c.timestamp());
    m.put("status", c.status());
    m.put("contentType", c.contentType());
    m.put("size", c.size());
    m.put("title", c.title());
    m.put("finalUrl", c.finalUrl());
    m.put("requisites", c.resources() == null ? 0 : c.resources().size());
    m.put("replay", WaybackUrl.framed(c.timestamp(), c.url()).path());
    return m;
  }
}
