package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pagekeep rot check [URL...]} and {@code pagekeep rot list}: link rot, through the service
 * (which runs the same check slowly in the background).
 */
@Command(name = "rot", mixinStandardHelpOptions = true,
    description = "Link rot: which archived URLs are gone on the live web (the service checks them slowly in the background).",
    subcommands = {RotCommand.Check.class, RotCommand.ListGone.class})
public final class RotCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Check archived URLs now (at most 100), or with none, the whole archive now (politely: 2 per host at once).")
  static final class Check implements Callable<Integer> {
    @Mixin DataOption data;
    @Parameters(arity = "0..100", paramLabel = "URL", description = "archived URLs to check now") List<String> urls;
    @Option(names = "--no-wait", description = "with no URL: start the pass and return") boolean noWait;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      if (urls != null && !urls.isEmpty()) return checkUrls(client);
      ServiceClient.Response r = client.send("POST", "/api/rot/check", null);
      if (!r.ok()) throw new IllegalStateException(r.errorMessage());
      if (noWait) {
        System.out.println("checking the whole archive now; pagekeep rot list shows what is gone");
        return 0;
      }
      long total = client.send("GET", "/api/stats", null).json().path("urls").asLong();
      Progress bar = new Progress(System.err);
      long started = System.currentTimeMillis();
      while (true) {
        Thread.sleep(500);
        ServiceClient.Response s = client.send("GET", "/api/rot?limit=1", null);
        if (!s.ok()) throw new IllegalStateException(s.errorMessage());
        JsonNode st = s.json().path("check");
        long checked = st.path("checked").asLong();
        bar.show(checked, total, "checked " + checked + " of " + total + ", " + st.path("goneFound").asLong() + " gone", started);
        if (!st.path("passUnderway").asBoolean()) {
          bar.finish();
          System.out.println("checked " + checked + " URLs; " + st.path("gone").asLong() + " gone (pagekeep rot list)");
          return 0;
        }
      }
    }

    private int checkUrls(ServiceClient client) throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("urls", urls);
      ServiceClient.Response r = client.send("POST", "/api/rot/check", ServiceClient.toJson(body));
      if (!r.ok()) throw new IllegalStateException(r.errorMessage());
      JsonNode answer = r.json();
      for (JsonNode x : answer.path("results")) {
        String verdict = x.path("verdict").asText();
        String line = verdict + " " + x.path("url").asText() + ": " + x.path("reason").asText();
        if (x.has("gone")) line += " (gone since " + x.path("gone").path("since").asText() + ")";
        System.out.println(line);
      }
      for (JsonNode u : answer.path("notArchived")) System.err.println("not in the archive: " + u.asText());
      return answer.path("notArchived").isEmpty() ? 0 : 1;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the archived URLs whose live page is gone, and since when.")
  static final class ListGone implements Callable<Integer> {
    @Mixin DataOption data;

    @Override
    public Integer call() throws Exception {
      ServiceClient client = ServiceClient.connect(data.dataDir(), true);
      String cursor = null;
      do {
        ServiceClient.Response r = client.send("GET", "/api/rot?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), null);
        if (!r.ok()) throw new IllegalStateException(r.errorMessage());
        JsonNode page = r.json();
        for (JsonNode g : page.path("gone")) {
          System.out.println(g.path("since").asText() + "  " + g.path("url").asText() + "  " + g.path("reason").asText());
        }
        cursor = page.hasNonNull("next") ? page.path("next").asText() : null;
      } while (cursor != null);
      return 0;
    }
  }
}
