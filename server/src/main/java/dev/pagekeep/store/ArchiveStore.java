package dev.pagekeep.store;

import dev.pagekeep.model.Capture;
import dev.pagekeep.model.Save;
import dev.pagekeep.model.SaveState;
import java.util.List;
import java.util.Optional;

/**
 * The archive on disk: the save queue, captures (pages and their requisites) and
 * content-addressed blobs. Every mutating method returns only after its change is durable;
 * readers never see half of a change.
 */
public interface ArchiveStore extends AutoCloseable {

  /**
   * A save to queue; {@code html} is the DOM the browser showed, or null to fetch the URL;
   * {@code tags} label it (bookmark folders on import), or null; {@code httpStatus} is the status
   * of the document the browser showed, or null; {@code resources} are requisites the browser
   * fetched with its own session, or null.
   */
  record NewSave(String url, String source, String title, byte[] html, List<String> tags,
                 Integer httpStatus, List<NewResource> resources) {
    public NewSave(String url, String source, String title, byte[] html, List<String> tags) {
      this(url, source, title, html, tags, null, null);
    }

    public NewSave(String url, String source, String title, byte[] html) {
      this(url, source, title, html, null);
    }
  }

  /** A requisite's body as the browser fetched it; stored as a blob until the capture uses it. */
  record NewResource(String url, String contentType, int status, byte[] body) {}

  /** What {@link #enqueue} did for one URL: a new save, or the one already queued for it. */
  record Enqueued(Save save, boolean existing) {}

  /** One capture to store with its body (and, for pages, the extracted text). */
  record StoredCapture(Capture capture, Blob body, Blob text) {}

  record Stats(long pages, long urls, long queued, long fetching, long done, long failed,
               long logicalBytes, long storedBytes, long blobs, long needsBrowser) {}

  // ---- the save queue ----

  /** Durably queues saves; a URL already queued (same key) returns that save instead. */
  List<Enqueued> enqueue(List<NewSave> saves);

  Optional<Save> save(long id);

  /** Saves in a state, newest first, with ids below {@code beforeId} (use Long.MAX_VALUE to start). */
  List<Save> saves(SaveState state, long beforeId, int limit);

  /** Queued saves in queue order with ids above {@code afterId}. */
  List<Save> queued(long afterId, int limit);

  /**
   * Queued saves in admission order ({@link SaveOrder}: interactive before bulk, then by id), with
   * order keys above {@code afterKey} (use Long.MIN_VALUE to start); only keys, ids and hosts.
   */
  List<SaveOrder.Entry> queuedInOrder(long afterKey, int limit);

  /** Stores a finished capture and marks its save done, in one transaction. Returns the page capture as stored. */
  Capture finish(Save save, int attempts, StoredCapture page, List<StoredCapture> requisites);

  /**
   * Stores a snapshot that comes from elsewhere (an imported WARC or WACZ) with its requisites, in
   * one transaction and without a save. Empty, with nothing written, when the URL already has a
   * capture at that timestamp.
   */
  Optional<Capture> putSnapshot(StoredCapture page, List<StoredCapture> requisites);

  /** Marks a save failed with a one-line reason and takes it off the queue. */
  Save fail(Save save, int attempts, String reason);

  /**
   * Takes a save off the queue to wait for a capture through the browser: the service's fetch met
   * a wall (login, paywall, consent or bot challenge) described by {@code reason}.
   */
  Save needsBrowser(Save save, int attempts, String reason);

  /**
   * Records the DOM the browser captured for a save waiting in {@code needs-browser}: the save goes
   * back on the queue with that DOM and ends as done like a toolbar save. Throws
   * {@link IllegalStateException} when the save is not waiting for the browser, and
   * {@link IllegalArgumentException} when {@code dom} is for another URL or has no HTML.
   */
  Save browserCaptured(long id, NewSave dom);

  /** Puts a failed save (or one waiting for the browser) back on the queue, to be fetched again. */
  Save retry(long id);

  boolean deleteSave(long id);

  // ---- captures ----

  Optional<Capture> capture(String urlKey, String timestamp);

  /** The capture of a URL closest in time to {@code timestamp} (any kind). */
  Optional<Capture> nearest(String urlKey, String timestamp);

  /** Page snapshots of one URL, oldest first. */
  List<Capture> versions(String urlKey);

  /** Page snapshots, newest first, strictly older than the cursor ("timestamp/urlKey", or null). */
  List<Capture> pages(String cursor, int limit);

  /** All full URL keys that start with the given hashUrl or key prefix. */
  List<String> resolveKey(String prefix);

  /** URL keys of every saved variant of this address (http/https, host case, default port...). */
  List<String> keysForUrl(String url);

  Optional<String> url(String urlKey);

  Optional<byte[]> blob(String digest);

  /** Deletes one snapshot (with the requisites stored for it), or all of a URL's when timestamp is null. */
  int deleteSnapshots(String urlKey, String timestampOrNull);

  Stats stats();

  /** Link rot: which archived URLs are gone on the live web (its own collections). */
  RotLedger rot();

  @Override
  void close();
}
