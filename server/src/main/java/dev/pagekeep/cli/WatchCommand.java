package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagekeep watch add|list|check|remove}: feeds and pages followed, URLs re-captured on a schedule. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = "Follow a feed (RSS, Atom, JSON Feed) or a page and archive what is new, or re-capture a URL on a schedule.",
    subcommands = {WatchCommand.Add.class, WatchCommand.ListWatches.class, WatchCommand.Check.class, WatchCommand.Remove.class})
public final class WatchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Watch URL: each new entry of the feed (or link of the page) is archived; checked now, then every --every.")
  static final class Add implements Callable<Integer> {
    @Mixin DataOption data;

    @Parameters(paramLabel = "URL", description = "a feed (RSS, Atom, JSON Feed) or an HTML page")
    String url;

    @Option(names = "--every", paramLabel = "INTERVAL", description = "how often to check: 30m, 6h, 1d (default), 1w")
    String every;

    @Option(names = "--links", description = "also archive every link in each new entry's content")
    boolean links;

    @Option(names = "--recapture", description = "re-capture URL itself instead: a new version only when its text changed")
    boolean recapture;

    @Option(names = "--no-wait", description = "return without waiting for the first check")
    boolean noWait;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("url", url);
      if (every != null) body.put("every", every);
      body.put("links", links);
      body.put("recapture", recapture);
      ServiceClient.Response r = client.send("POST", "/api/watches", ServiceClient.toJson(body));
      if (!r.ok()) throw new IllegalArgumentException(r.errorMessage());
      JsonNode w = r.json();
      long id = w.path("id").asLong();
      System.out.println((w.path("existing").asBoolean() ? "already watching " : "watching ") + w.path("url").asText()
          + " (watch " + id + ", every " + w.path("every").asText() + (w.path("links").asBoolean() ? ", with links" : "")
          + (w.path("recapture").asBoolean() ? ", re-capture" : "") + ")");
      if (noWait || w.path("existing").asBoolean()) return 0;
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        JsonNode now = client.send("GET", "/api/watches/" + id, null).json();
        if (now.has("lastCheck")) return printResult(now);
        Thread.sleep(200);
      }
      System.err.println("the first check has not finished yet; see pagekeep watch list");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the watches: last check, next check, what they added.")
  static final class ListWatches implements Callable<Integer> {
    @Mixin DataOption data;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      ServiceClient.Response r = client.send("GET", "/api/watches", null);
      if (!r.ok()) throw new IllegalStateException(r.errorMessage());
      JsonNode list = r.json().path("watches");
      if (list.isEmpty()) System.out.println("no watches (add one: pagekeep watch add URL)");
      for (JsonNode w : list) {
        StringBuilder line = new StringBuilder().append(w.path("id").asLong()).append("  ").append(w.path("url").asText())
            .append("  every ").append(w.path("every").asText());
        if (w.path("links").asBoolean()) line.append(", with links");
        if (w.path("recapture").asBoolean()) line.append(", re-capture");
        line.append("  last: ").append(w.path("lastCheck").asText("never"));
        if (w.has("error")) line.append(" (error: ").append(w.path("error").asText()).append(')');
        else if (w.has("lastResult")) line.append(" (").append(w.path("lastResult").asText()).append(')');
        line.append("  next: ").append(w.path("nextCheck").asText());
        line.append("  added: ").append(w.path("addedTotal").asLong());
        System.out.println(line);
      }
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true, description = "Check one watch (or all of them) now.")
  static final class Check implements Callable<Integer> {
    @Mixin DataOption data;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "the watch to check (default: every watch)")
    Long id;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      List<Long> ids = new ArrayList<>();
      if (id != null) {
        ids.add(id);
      } else {
        for (JsonNode w : client.send("GET", "/api/watches", null).json().path("watches")) ids.add(w.path("id").asLong());
        if (ids.isEmpty()) System.out.println("no watches");
      }
      int failed = 0;
      for (long one : ids) {
        ServiceClient.Response r;
        try {
          r = client.send("POST", "/api/watches/" + one + "/check", null);
        } catch (java.net.SocketTimeoutException e) {
          // A slow or dead host: the service goes on checking (retries), its outcome shows in the list.
          System.err.println("watch " + one + ": still checking after a minute; pagekeep watch list shows the outcome");
          failed++;
          continue;
        }
        if (!r.ok()) throw new IllegalArgumentException(r.errorMessage());
        if (printResult(r.json()) != 0) failed++;
      }
      return failed == 0 ? 0 : 1;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop watching (what it archived stays).")
  static final class Remove implements Callable<Integer> {
    @Mixin DataOption data;

    @Parameters(paramLabel = "ID", description = "the watch to remove (see pagekeep watch list)")
    long id;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      ServiceClient.Response r = client.send("DELETE", "/api/watches/" + id, null);
      if (!r.ok()) throw new IllegalArgumentException(r.errorMessage());
      System.out.println("removed watch " + id);
      return 0;
    }
  }

  /** One line for a checked watch; 1 when the check failed. */
  static int printResult(JsonNode w) {
    String head = "watch " + w.path("id").asLong() + " " + w.path("url").asText() + ": ";
    if (w.has("error")) {
      System.err.println(head + "error: " + w.path("error").asText());
      return 1;
    }
    System.out.println(head + w.path("lastResult").asText() + " (next check " + w.path("nextCheck").asText() + ")");
    return 0;
  }
}
