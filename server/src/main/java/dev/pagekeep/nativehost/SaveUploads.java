package dev.pagekeep.nativehost;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A save too large for one native frame, sent as {@code save-part} messages: the parts of one
 * upload are the UTF-8 pieces of the save's JSON body, in order. Bounded in parts, bytes and open
 * uploads; an upload left unfinished is dropped when it goes stale or when too many are open.
 * See {@code native-host-manifest/PROTOCOL.md}.
 */
final class SaveUploads {
  static final int MAX_PARTS = 64;
  static final long MAX_UPLOAD_BYTES = 160L * 1024 * 1024;
  static final int MAX_OPEN = 4;
  static final long STALE_MS = 5 * 60 * 1000;
  private static final Set<String> FIELDS = Set.of("url", "title", "html", "source", "status", "resources", "saveId");
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength((int) MAX_UPLOAD_BYTES).build()).build();

  private record Upload(int count, ByteArrayOutputStream bytes, int[] next, long[] touched) {}

  private final Map<String, Upload> open = new LinkedHashMap<>();

  /**
   * Adds one part. Returns the whole body once the last part arrived, else null.
   *
   * @throws NativeRequestException {@code bad_request} for a part out of order, a changed count,
   *     an upload over the bounds, or a body that is not a save; the upload is dropped then
   */
  synchronized byte[] add(String id, int index, int count, String data, long now) throws NativeRequestException {
    open.values().removeIf(u -> now - u.touched[0] > STALE_MS);
    if (count < 1 || count > MAX_PARTS) throw bad("\"count\" must be from 1 to " + MAX_PARTS);
    Upload u = open.get(id);
    if (u == null) {
      if (index != 0) throw bad("upload \"" + Envelopes.oneLine(id) + "\" is unknown (expired?): send it again from part 0");
      if (open.size() >= MAX_OPEN) open.remove(open.keySet().iterator().next()); // the oldest gives way
      u = new Upload(count, new ByteArrayOutputStream(), new int[] {0}, new long[] {now});
      open.put(id, u);
    }
    if (u.count != count || u.next[0] != index) {
      open.remove(id);
      throw bad("part " + index + " of " + count + " is out of order (expected part " + u.next[0] + " of " + u.count + "); the upload is dropped");
    }
    byte[] piece = data.getBytes(StandardCharsets.UTF_8);
    if ((long) u.bytes.size() + piece.length > MAX_UPLOAD_BYTES) {
      open.remove(id);
      throw bad("the save is over " + MAX_UPLOAD_BYTES + " bytes; the upload is dropped");
    }
    u.bytes.write(piece, 0, piece.length);
    u.next[0]++;
    u.touched[0] = now;
    if (u.next[0] < count) return null;
    open.remove(id);
    byte[] body = u.bytes.toByteArray();
    checkSave(body);
    return body;
  }

  synchronized int openCount() { return open.size(); }

  /**
   * Checks the body's shape without building it in memory: an object whose fields are a save's,
   * with an http(s) "url". The service validates the rest, as for any save.
   */
  static void checkSave(byte[] body) throws NativeRequestException {
    boolean hasUrl = false;
    try (JsonParser p = JSON.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw bad("an uploaded save must be a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        if (!FIELDS.contains(name)) throw bad("an uploaded save takes only " + FIELDS + ", not \"" + Envelopes.oneLine(name) + "\"");
        JsonToken value = p.nextToken();
        if (name.equals("url")) {
          String url = value == JsonToken.VALUE_STRING ? p.getText().strip().toLowerCase(Locale.ROOT) : "";
          if (!url.startsWith("http://") && !url.startsWith("https://")) throw bad("only http and https URLs can be archived");
          hasUrl = true;
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) throw bad("an uploaded save is not one JSON object");
    } catch (IOException e) {
      throw bad("the uploaded save is not valid JSON");
    }
    if (!hasUrl) throw bad("an uploaded save needs \"url\"");
  }

  private static NativeRequestException bad(String message) {
    return new NativeRequestException(ErrorCode.BAD_REQUEST, message);
  }
}
