package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pagekeep save URL...}: queue URLs, wait for each, print where to read it. */
@Command(name = "save", mixinStandardHelpOptions = true, description = "Archive URLs (starts the service if none runs) and print their replay URLs.")
public final class SaveCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Parameters(arity = "1..*", paramLabel = "URL", description = "http or https URLs")
  List<String> urls;

  @Option(names = "--no-wait", description = "return once the saves are queued")
  boolean noWait;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long to wait for the captures (default ${DEFAULT-VALUE})")
  int timeoutSeconds = 300;

  @Override
  public Integer call() throws Exception {
    ServiceClient client = ServiceClient.connect(data.dataDir(), true);
    ServiceClient.Response r = client.send("POST", "/api/saves",
        ServiceClient.toJson(Map.of("urls", urls, "source", "cli")));
    if (!r.ok()) throw new IllegalArgumentException(r.errorMessage());
    Map<Long, String> pending = new LinkedHashMap<>();
    for (JsonNode s : r.json().path("saves")) pending.put(s.path("id").asLong(), s.path("url").asText());
    int failed = 0;
    for (JsonNode bad : r.json().path("rejected")) {
      // The others are queued all the same; the exit code says not everything was saved.
      System.err.println("rejected " + bad.path("error").asText());
      failed++;
    }
    if (noWait) {
      pending.forEach((id, url) -> System.out.println("queued " + url + " (save " + id + ")"));
      return failed == 0 ? 0 : 1;
    }
    long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
    while (!pending.isEmpty() && System.currentTimeMillis() < deadline) {
      for (Long id : new ArrayList<>(pending.keySet())) {
        ServiceClient.Response s = client.send("GET", "/api/saves/" + id, null);
        if (!s.ok()) throw new IllegalStateException("save " + id + ": " + s.errorMessage());
        JsonNode save = s.json();
        String state = save.path("state").asText();
        if (state.equals("done")) {
          System.out.println(client.baseUri() + save.path("snapshot").path("replay").asText());
          pending.remove(id);
        } else if (state.equals("needs-browser")) {
          System.err.println("needs-browser " + save.path("url").asText() + ": " + save.path("error").asText()
              + " (the browser extension captures it when it runs)");
          failed++;
          pending.remove(id);
        } else if (state.equals("failed")) {
          System.err.println("failed " + save.path("url").asText() + ": " + save.path("error").asText());
          failed++;
          pending.remove(id);
        }
      }
      if (!pending.isEmpty()) Thread.sleep(150);
    }
    for (String url : pending.values()) {
      System.err.println("still queued after " + timeoutSeconds + " s: " + url);
      failed++;
    }
    return failed == 0 ? 0 : 1;
  }
}
