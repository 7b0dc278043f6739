package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pagekeep.client.ServiceClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code pagekeep reindex}: rebuilds the full-text index from the archive. Goes through the
 * service (starting it if needed) because only {@code serve} opens the store and the index.
 */
@Command(name = "reindex", mixinStandardHelpOptions = true, description = "Rebuild the full-text search index from the archive (starts the service if none runs).")
public final class ReindexCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Override
  public Integer call() throws Exception {
    ServiceClient client = ServiceClient.connect(data.dataDir(), true);
    ServiceClient.Response r = client.send("POST", "/api/reindex", null);
    if (!r.ok()) throw new IllegalStateException(r.errorMessage());
    if (!r.json().path("started").asBoolean()) System.err.println("a reindex was already running; following it");
    Progress bar = new Progress(System.err);
    long started = System.currentTimeMillis();
    while (true) {
      ServiceClient.Response s = client.send("GET", "/api/reindex", null);
      if (!s.ok()) throw new IllegalStateException(s.errorMessage());
      JsonNode st = s.json();
      long done = st.path("done").asLong();
      long total = st.path("total").asLong();
      bar.show(done, total, "indexed " + done + " of " + total, started);
      if (!st.path("running").asBoolean()) {
        bar.finish();
        if (st.hasNonNull("error")) throw new IllegalStateException("reindex failed: " + st.path("error").asText());
        System.out.println("search index rebuilt: " + st.path("indexed").asLong() + " snapshots");
        return 0;
      }
      Thread.sleep(200);
    }
  }
}
