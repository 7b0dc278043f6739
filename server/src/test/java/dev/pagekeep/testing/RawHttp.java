package dev.pagekeep.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately plain HTTP/1.1 client over a socket, so tests can send exactly the headers an
 * attacker would (a foreign Host, an Origin, no token) without a client library "fixing" them.
 */
public final class RawHttp {
  private static final ObjectMapper JSON = new ObjectMapper();

  public record Reply(int status, Map<String, String> headers, byte[] body) {
    public String text() { return new String(body, StandardCharsets.UTF_8); }
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + text());
      }
    }
    public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
  }

  private final int port;
  private final String token;

  public RawHttp(int port, String token) {
    this.port = port;
    this.token = token;
  }

  public Reply get(String path) { return send("GET", path, null, Map.of()); }

  /**
   * The archived page a replay link shows: follows the replay page to its content frame
   * ({@code /web/{ts}mp_/{url}}); a reply that is not a replay page is returned as it is.
   */
  public Reply replayed(String replayPath) {
    Reply page = get(replayPath);
    java.util.regex.Matcher frame = java.util.regex.Pattern.compile("<iframe id=\"pagekeep-frame\"[^>]* src=\"([^\"]+)\"").matcher(page.text());
    return frame.find() ? get(frame.group(1).replace("&amp;", "&")) : page;
  }

  public Reply post(String path, Object json) {
    try {
      return send("POST", path, JSON.writeValueAsString(json), Map.of("Content-Type", "application/json"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  public Reply delete(String path) { return send("DELETE", path, null, Map.of()); }

  /** Sends with the token and a correct Host, plus the given headers (which may override them; empty value removes). */
  public Reply send(String method, String path, String body, Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Host", "127.0.0.1:" + port);
    if (token != null) headers.put("Authorization", "Bearer " + token);
    headers.putAll(extra);
    headers.values().removeIf(String::isEmpty);
    return raw(port, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  public static Reply raw(int port, String method, String path, Map<String, String> headers, byte[] body) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(60_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("Connection: close\r\n");
      if (body != null) req.append("Content-Length: ").append(body.length).append("\r\n");
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) out.write(body);
      out.flush();
      return parse(s.getInputStream());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + e, e);
    }
  }

  private static Reply parse(InputStream in) throws IOException {
    byte[] all = in.readAllBytes();
    int split = indexOf(all, "\r\n\r\n".getBytes());
    String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) rest = dechunk(rest);
    return new Reply(status, headers, rest);
  }

  private static byte[] dechunk(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < data.length) {
      int eol = indexOf(java.util.Arrays.copyOfRange(data, i, data.length), "\r\n".getBytes()) + i;
      int size = Integer.parseInt(new String(data, i, eol - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
      if (size == 0) break;
      out.write(data, eol + 2, size);
      i = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i <= hay.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    return -1;
  }
}
