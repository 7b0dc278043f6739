package dev.pagekeep.cli;

import dev.pagekeep.client.ServiceClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pagekeep open}: prints a fresh one-time login link to the web UI (starting the service if needed). */
@Command(name = "open", mixinStandardHelpOptions = true, description = "Print a one-time login link to the web UI (starts the service if none runs).")
public final class OpenCommand implements Callable<Integer> {
  @Mixin DataOption data;

  @Override
  public Integer call() throws Exception {
    ServiceClient client = ServiceClient.connect(data.dataDir(), true);
    ServiceClient.Response r = client.send("POST", "/api/login-links", "{}");
    if (!r.ok()) throw new IllegalStateException(r.errorMessage());
    System.out.println(r.json().path("url").asText());
    return 0;
  }
}
