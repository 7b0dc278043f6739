package dev.pagekeep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pagekeep.nativehost.NativeBridge;
import dev.pagekeep.nativehost.NativeFrameCodec;
import dev.pagekeep.nativehost.NativeHost;
import dev.pagekeep.nativehost.ServiceClientGateway;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code pagekeep native-host}: the native-messaging host. Browsers start it (through the
 * launcher that {@code install-host} writes) and talk to it over stdin/stdout; see
 * {@code native-host-manifest/PROTOCOL.md}.
 */
@Command(name = "native-host", mixinStandardHelpOptions = true, hidden = true,
    description = "The native-messaging host (browsers start it; not for people).")
public final class NativeHostCommand implements Callable<Integer> {
  private static final int WORKERS = 4;
  private static final int MAX_IN_FLIGHT = 16;

  @Mixin DataOption data;

  /** Chrome passes the caller's origin (and on Windows a window handle), Firefox the manifest path and add-on id. */
  @Parameters(arity = "0..*", hidden = true)
  List<String> browserArguments = new ArrayList<>();

  /**
   * Runs the host without going through {@code dev.pagekeep.Main}: the launcher uses this entry
   * point so the JVM loads only the host's classes, which shortens every browser-started run.
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new NativeHostCommand()).execute(args));
  }

  @Override
  public Integer call() {
    // stdout carries protocol frames only: anything else printing to System.out goes to stderr.
    OutputStream protocolOut = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
    PrintStream log = System.err;
    System.setOut(log);
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS, r -> {
      Thread t = new Thread(r, "native-host-worker");
      t.setDaemon(true);
      return t;
    });
    String version = NativeHostCommand.class.getPackage().getImplementationVersion();
    NativeHost host = new NativeHost(NativeFrameCodec.forBrowser(),
        new NativeBridge(new ServiceClientGateway(data.dataDir()), new ObjectMapper(), version == null ? "0.1.0" : version),
        workers, MAX_IN_FLIGHT, Duration.ofSeconds(30), log);
    return host.run(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 64 * 1024), protocolOut);
  }
}
