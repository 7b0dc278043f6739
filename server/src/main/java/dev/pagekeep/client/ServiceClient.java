package dev.pagekeep.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.config.DataDir;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the CLI and the native host reach the service: loopback HTTP with the token. Finds the
 * running service through {@code service.json}; when none answers, starts {@code serve}
 * detached (its own session, logging to the data directory) and waits for {@code /api/health}.
 * Never opens the store itself: only {@code serve} does.
 */
public final class ServiceClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int START_TIMEOUT_MS = 30_000;
  /**
   * JVM flags of the service this class starts, chosen for a daemon a user forgets is running (the
   * same as the {@code pagekeep} launcher's for {@code serve}): a heap cap (the JVM would otherwise
   * take a quarter of the machine and keep it; 224 MB, as the archiver's byte budget keeps page
   * bodies to an eighth of it); G1; a heap that keeps 10-30% free after a full collection (the
   * default keeps up to 70%); glibc's free native memory trimmed every 60 s. The service's
   * {@code IdleCollector} runs a full collection 30 s after the work stops (G1's own periodic
   * collection was redundant beside it). {@code $PAGEKEEP_JAVA_OPTS}, when set, replaces them.
   * bench/README.md has the measured RssAnon ({@code bench/rss.sh}) and why not the serial collector.
   */
  public static final List<String> SERVICE_JVM_FLAGS = List.of(
      "-Xmx224m", "-XX:+UseG1GC",
      "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:TrimNativeHeapInterval=60000", "-Xss512k", "-XX:-UsePerfData", "-Xshare:auto");
  /**
   * Environment of the service this class starts, unless already set (as the launcher's): at most 2
   * glibc malloc arenas (glibc makes up to 8 a core, one per thread that mallocs, and keeps what
   * they freed).
   */
  public static final Map<String, String> SERVICE_ENV = Map.of("MALLOC_ARENA_MAX", "2");

  private final URI base;
  private final String token;
  private final long pid;

  private ServiceClient(URI base, String token, long pid) {
    this.base = base;
    this.token = token;
    this.pid = pid;
  }

  /** An HTTP answer: status and body text. */
  public record Response(int status, String body) {
    public JsonNode json() throws IOException { return JSON.readTree(body); }
    public boolean ok() { return status >= 200 && status < 300; }
    /** The API's one-line error message, or the status. */
    public String errorMessage() {
      try {
        JsonNode m = json().path("error").path("message");
        return m.isMissingNode() ? "HTTP " + status : m.asText();
      } catch (IOException e) {
        return "HTTP " + status;
      }
    }
  }

  public static ServiceClient connect(DataDir dir, boolean startIfNeeded) throws ServiceUnavailableException {
    ServiceClient running = findRunning(dir);
    if (running != null) return running;
    if (!startIfNeeded) throw new ServiceUnavailableException("pagekeep is not running (start it with: pagekeep serve)");
    return start(dir);
  }

  /**
   * The service running for this data directory, or null when none runs (no {@code service.json},
   * no answer, no token): what {@code status} and {@code stop} ask first. Never starts one.
   */
  public static ServiceClient runningOrNull(DataDir dir) {
    return findRunning(dir);
  }

  private static ServiceClient findRunning(DataDir dir) {
    try {
      if (!Files.exists(dir.serviceFile())) return null;
      JsonNode info = JSON.readTree(Files.readString(dir.serviceFile()));
      int port = info.path("port").asInt(-1);
      if (port <= 0) return null;
      URI base = new URI("http://127.0.0.1:" + port);
      if (!healthy(base) && !healthyWhileAlive(base, info.path("pid").asLong(-1))) return null;
      String token = dir.readToken();
      return token == null ? null : new ServiceClient(base, token, info.path("pid").asLong(-1));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A service whose process is alive but slow to answer (a loaded machine, a long GC) is still the
   * running service: asked again for up to 15 s before it is called gone, so {@code status} does not
   * say "not running" and {@code save} does not start a second service that would find the store locked.
   */
  private static boolean healthyWhileAlive(URI base, long pid) {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      if (healthy(base)) return true;
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static boolean healthy(URI base) {
    try {
      HttpURLConnection c = (HttpURLConnection) base.resolve("/api/health").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int status = c.getResponseCode();
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return status == 200 && body.contains("\"ok\"");
      }
    } catch (IOException e) {
      return false;
    }
  }

  private static ServiceClient start(DataDir dir) throws ServiceUnavailableException {
    dir.create();
    List<String> command = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) command.add("/usr/bin/setsid");
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opts = System.getenv("PAGEKEEP_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) {
      command.addAll(List.of(opts.trim().split("\\s+")));
    } else {
      command.addAll(SERVICE_JVM_FLAGS);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.pagekeep.Main");
    command.add("serve");
    command.add("--any-port-if-busy");
    command.add("--data");
    command.add(dir.root().toString());
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logFile().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      SERVICE_ENV.forEach(builder.environment()::putIfAbsent);
      process = builder.start();
    } catch (IOException e) {
      throw new ServiceUnavailableException("could not start pagekeep serve: " + e.getMessage());
    }
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      ServiceClient c = findRunning(dir);
      if (c != null) {
        if (System.console() != null) {
          // A person at a terminal learns where the service went and how to open it; scripts get clean output.
          System.err.println("started the pagekeep service at " + c.base + " (log: " + dir.logFile()
              + "); open the archive with: pagekeep open");
        }
        return c;
      }
      if (!process.isAlive()) {
        // Another process may have won the race to start it; otherwise the log says why.
        ServiceClient other = findRunning(dir);
        if (other != null) return other;
        if (process.exitValue() != 0 && !lastLogLine(dir).contains("already serving")) {
          throw new ServiceUnavailableException("pagekeep serve exited: " + lastLogLine(dir));
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while starting pagekeep");
      }
    }
    throw new ServiceUnavailableException("pagekeep serve did not answer within " + START_TIMEOUT_MS / 1000
        + " s; see " + dir.logFile());
  }

  private static String lastLogLine(DataDir dir) {
    try {
      List<String> lines = Files.readAllLines(dir.logFile());
      for (int i = lines.size() - 1; i >= 0; i--) if (!lines.get(i).isBlank()) return lines.get(i).strip();
    } catch (IOException ignored) {
      // no log: say so below
    }
    return "(no log output in " + dir.logFile() + ")";
  }

  public URI baseUri() { return base; }

  public String token() { return token; }

  /** The service's process id, as service.json gives it; -1 when it does not. */
  public long pid() { return pid; }

  /** Whether the service still answers /api/health at this client's address. */
  public boolean answers() { return healthy(base); }

  public Response send(String method, String path, String jsonBodyOrNull) throws IOException {
    return sendBytes(method, path, jsonBodyOrNull == null ? null : jsonBodyOrNull.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #send(String, String, String)}, with the JSON body already encoded as UTF-8. */
  public Response sendBytes(String method, String path, byte[] jsonBodyOrNull) throws IOException {
    HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(60_000);
    c.setRequestProperty("Authorization", "Bearer " + token);
    c.setRequestProperty("Accept", "application/json");
    if (jsonBodyOrNull != null) {
      byte[] body = jsonBodyOrNull;
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /**
   * Streams {@code body} as the request body (chunked, never buffered whole), telling
   * {@code sent} how many bytes went out so far.
   */
  public Response upload(String path, String contentType, InputStream body, java.util.function.LongConsumer sent) throws IOException {
    HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setConnectTimeout(5000);
    c.setReadTimeout(300_000);
    c.setRequestProperty("Authorization", "Bearer " + token);
    c.setRequestProperty("Accept", "application/json");
    c.setRequestProperty("Content-Type", contentType);
    c.setDoOutput(true);
    c.setChunkedStreamingMode(64 * 1024);
    try (OutputStream out = c.getOutputStream()) {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = body.read(buf)) != -1) {
        out.write(buf, 0, n);
        total += n;
        sent.accept(total);
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** GETs {@code path} and copies the body to {@code out}; answers the status and, on errors, the body. */
  public Response download(String path, OutputStream out) throws IOException {
    return download(path, out, null, v -> { });
  }

  /**
   * Saves the body of {@code GET path} to {@code out}; once the answer's headers arrive (before the
   * body), {@code onHeader} gets the value of {@code header} when the answer has it.
   */
  public Response download(String path, OutputStream out, String header, java.util.function.Consumer<String> onHeader) throws IOException {
    HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(300_000);
    c.setRequestProperty("Authorization", "Bearer " + token);
    int status = c.getResponseCode();
    if (status >= 400) {
      try (InputStream in = c.getErrorStream()) {
        return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    if (header != null && c.getHeaderField(header) != null) onHeader.accept(c.getHeaderField(header));
    try (InputStream in = c.getInputStream()) {
      in.transferTo(out);
    }
    return new Response(status, "");
  }

  public static String toJson(Object o) throws IOException {
    return JSON.writeValueAsString(o);
  }
}
